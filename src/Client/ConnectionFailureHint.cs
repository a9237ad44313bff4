using System.Net.Sockets;
using System.Security.Authentication;

namespace RingStore.Client;

/// <summary>
/// Turns the last failure of a connect attempt into a sentence that says what to change. A plain client dialling a
/// node that requires TLS sees only a broken HTTP/2 handshake, and a TLS client that does not trust the node's
/// certificate sees an authentication error deep inside the gRPC status: neither says "pass the cluster's CA".
/// </summary>
public static class ConnectionFailureHint
{
    /// <summary>A hint to append to the error ("" when the failure says nothing about TLS, e.g. a refused connection).</summary>
    public static string For(Exception? failure, bool clientUsesTls)
    {
        var chain = Chain(failure).ToList();
        if (chain.Any(e => e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable }))
            return "";
        if (clientUsesTls)
        {
            if (chain.Any(e => e is AuthenticationException))
                return " The TLS handshake failed: the node's certificate does not chain to the CA given (--ca / CaFile), or the node does not serve TLS.";
            return "";
        }
        // A plain client whose connection was accepted and then failed: a TLS port answers a plain HTTP/2 preface by
        // closing, which reaches the client as a broken handshake, a reset (before or after the preface was written,
        // depending on timing: CI saw a reset without an IOException in the chain) or, if the close is slow, a
        // deadline. The hint is worded as a condition, so it is given for every such failure.
        if (chain.Count > 0)
            return " If the cluster requires TLS, trust its CA: --ca FILE (CaFile in the SDK; `ringstore up --tls` writes ca.pem).";
        return "";
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (int depth = 0; e is not null && depth < 16; depth++)
        {
            yield return e;
            if (e is AggregateException { InnerExceptions.Count: > 1 } many)
                foreach (var inner in many.InnerExceptions.SelectMany(Chain)) yield return inner;
            e = e is Grpc.Core.RpcException rpc ? rpc.Status.DebugException ?? rpc.InnerException : e.InnerException;
        }
    }
}

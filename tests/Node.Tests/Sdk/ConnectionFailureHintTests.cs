using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using Grpc.Core;
using RingStore.Client;

namespace RingStore.Node.Tests.Sdk;

/// <summary>The connect error tells a user which TLS setting to change, and says nothing about TLS when TLS is not the cause.</summary>
public sealed class ConnectionFailureHintTests
{
    private static RpcException Unavailable(Exception inner) =>
        new(new Status(StatusCode.Unavailable, "Error starting gRPC call.", inner));

    [Fact]
    public void A_plain_client_on_a_broken_http2_handshake_is_told_to_pass_the_ca()
    {
        var e = Unavailable(new HttpRequestException(HttpRequestError.HttpProtocolError, "The server did not complete the HTTP/2 handshake."));
        Assert.Contains("--ca FILE", ConnectionFailureHint.For(e, clientUsesTls: false), StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_client_reset_or_timed_out_by_a_tls_port_is_told_to_pass_the_ca()
    {
        var reset = Unavailable(new HttpRequestException(HttpRequestError.ConnectionError, "Connection reset by peer",
            new SocketException((int)SocketError.ConnectionReset)));
        Assert.Contains("--ca FILE", ConnectionFailureHint.For(reset, clientUsesTls: false), StringComparison.Ordinal);
        var deadline = new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
        Assert.Contains("--ca FILE", ConnectionFailureHint.For(deadline, clientUsesTls: false), StringComparison.Ordinal);
    }

    [Fact]
    public void A_tls_client_whose_ca_does_not_match_is_told_so()
    {
        var e = Unavailable(new HttpRequestException(HttpRequestError.SecureConnectionError, "SSL failed",
            new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot")));
        Assert.Contains("does not chain to the CA given", ConnectionFailureHint.For(e, clientUsesTls: true), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_refused_connection_gets_no_tls_hint(bool tls)
    {
        var e = Unavailable(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused",
            new SocketException((int)SocketError.ConnectionRefused)));
        Assert.Equal("", ConnectionFailureHint.For(e, tls));
        Assert.Equal("", ConnectionFailureHint.For(null, tls));
    }
}

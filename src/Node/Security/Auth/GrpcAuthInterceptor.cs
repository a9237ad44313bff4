using Grpc.Core;
using Grpc.Core.Interceptors;
using RingStore.Client.Protos;
using RingStore.Core.Errors;
using RingStore.Cql.Ast;
using RingStore.Node.Api;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// Logs in every gRPC call (credentials in the <c>authorization</c> metadata, <see cref="GrpcCredentials"/>) and runs it
/// as that role (<see cref="AuthContext"/>, which the session stream's calls inherit). Calls that are not statements
/// are checked here: schema calls need CREATE/DROP as the CQL statements do, cluster administration (decommission,
/// removenode, cleanup, repair, verify, scrub, flush, compact) needs a superuser, status and descriptions need only a
/// login. Mutate and Read are checked per call in the service (sessions carry many), Execute in the statement executor.
/// Registered only with the password authenticator.
/// </summary>
public sealed class GrpcAuthInterceptor(AuthService auth) : Interceptor
{
    private static readonly HashSet<string> AdminMethods = new(StringComparer.Ordinal)
    {
        "Decommission", "RemoveNode", "Cleanup", "Repair", "Verify", "Scrub", "Flush", "Compact",
    };

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        AuthContext.Current = await EnterAsync(request, context).ConfigureAwait(false);
        return await continuation(request, context).ConfigureAwait(false);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        AuthContext.Current = await EnterAsync(request, context).ConfigureAwait(false);
        await continuation(request, responseStream, context).ConfigureAwait(false);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        AuthContext.Current = await EnterAsync<object?>(null, context).ConfigureAwait(false);
        await continuation(requestStream, responseStream, context).ConfigureAwait(false);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        AuthContext.Current = await EnterAsync<object?>(null, context).ConfigureAwait(false);
        return await continuation(requestStream, context).ConfigureAwait(false);
    }

    /// <summary>
    /// Logs in and checks the call; returns the user, which the handler sets in its own flow (a value set inside this
    /// async method would not reach the caller's continuation).
    /// </summary>
    private async Task<ClientUser> EnterAsync<TRequest>(TRequest request, ServerCallContext context)
    {
        try
        {
            var credentials = GrpcCredentials.Decode(context.RequestHeaders.GetValue(GrpcCredentials.Header));
            var user = await auth.Authenticator.LoginAsync(credentials?.Role, credentials?.Password, Source(context.Peer), context.CancellationToken)
                .ConfigureAwait(false);
            AuthContext.Current = user;
            await CheckAsync(auth, MethodName(context.Method), request, context.CancellationToken).ConfigureAwait(false);
            return user;
        }
        catch (RpcException)
        {
            throw;
        }
#pragma warning disable CA1031 // every refusal reaches the client as a mapped status
        catch (Exception e)
#pragma warning restore CA1031
        {
            throw ErrorMapping.ToRpcException(e);
        }
    }

    private static async ValueTask CheckAsync<TRequest>(AuthService auth, string method, TRequest request, CancellationToken ct)
    {
        if (AdminMethods.Contains(method))
        {
            await auth.RequireSuperuserAsync($"run {method}", ct).ConfigureAwait(false);
            return;
        }
        switch (request)
        {
            case CreateKeyspaceRequest:
                await auth.RequireAsync(CqlPermission.Create, AuthResource.Root, ct).ConfigureAwait(false);
                break;
            case DropKeyspaceRequest r:
                await auth.RequireAsync(CqlPermission.Drop, AuthResource.OfKeyspace(r.Name), ct).ConfigureAwait(false);
                break;
            case CreateTableRequest r:
                await auth.RequireAsync(CqlPermission.Create, AuthResource.OfKeyspace(r.Keyspace), ct).ConfigureAwait(false);
                break;
            case DropTableRequest r:
                await auth.RequireAsync(CqlPermission.Drop, AuthResource.OfTable(r.Keyspace, r.Name), ct).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>"/ringstore.RingStoreApi/Repair" -> "Repair".</summary>
    private static string MethodName(string method) => method[(method.LastIndexOf('/') + 1)..];

    /// <summary>The client's address without its port ("ipv4:127.0.0.1:5123" -> "ipv4:127.0.0.1"): failures are counted per host.</summary>
    public static string Source(string? peer)
    {
        if (string.IsNullOrEmpty(peer)) return "unknown";
        int colon = peer.LastIndexOf(':');
        return colon > peer.IndexOf(':', StringComparison.Ordinal) ? peer[..colon] : peer;
    }
}

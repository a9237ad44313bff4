using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using RingStore.Gossip.Protocol;
using RingStore.Node.Cluster;
using RingStore.Node.Hosting;
using RingStore.Gossip.Ring;

namespace RingStore.Node.Native;

/// <summary>
/// The CQL native-protocol listener (NodeOptions.NativePort, 0 = off), started by the host after the node and stopped
/// before it: accepts TCP connections, runs a <see cref="NativeConnection"/> per client and pushes gossip and schema
/// EVENTs to the connections that registered. Stops (closing every connection) with the host, or when the disk failure
/// policy stops serving (the host calls <see cref="StopAsync"/>).
/// With client TLS on, every connection is TLS (<see cref="NativeTls"/>, the gRPC port's reloading credentials).
/// </summary>
/// <param name="gossip">Membership changes become TOPOLOGY_CHANGE and STATUS_CHANGE events.</param>
/// <param name="schema">Schema changes become SCHEMA_CHANGE events.</param>
public sealed class NativeListener(NodeOptions options, NativeStatementRunner runner, GossipService gossip, Schema.SchemaManager schema,
    ILoggerFactory loggerFactory, Security.TlsCredentials? clientTls = null)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<NativeListener>();
    private readonly ConcurrentDictionary<NativeConnection, Task> _connections = new();
    private readonly ConcurrentDictionary<Task, byte> _handshakes = new();
    private readonly CancellationTokenSource _stopping = new();
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options;
        if (o.NativePort == 0) return Task.CompletedTask;
        _listener = new TcpListener(IPAddress.Parse(o.EffectiveRpcAddress), o.NativePort);
        _listener.Start(512);
        gossip.Changed += OnGossip;
        schema.Changed += OnSchema;
        _acceptLoop = AcceptLoopAsync(_stopping.Token);
        _logger.LogInformation("CQL native protocol v4 on {Bind}:{Port}{Tls} (advertised as {Endpoint})", o.EffectiveRpcAddress, o.NativePort,
            clientTls is null ? "" : " over TLS", o.NativeEndpoint);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is null) return;
        if (!_stopping.IsCancellationRequested) await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        gossip.Changed -= OnGossip;
        schema.Changed -= OnSchema;
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_handshakes.Keys).ConfigureAwait(false); // before the snapshot: a handshake ending now adds a connection
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptSocketAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (ct.IsCancellationRequested) return;
                continue;
            }
            socket.NoDelay = true;
            if (clientTls is null) Serve(new NetworkStream(socket, ownsSocket: true), ct);
            else TrackHandshake(HandshakeAsync(socket, clientTls, ct));
        }
    }

    /// <summary>The handshake runs beside the accept loop, so a slow or silent client never holds up the others.</summary>
    private async Task HandshakeAsync(Socket socket, Security.TlsCredentials credentials, CancellationToken ct)
    {
        await Task.Yield();
        if (await NativeTls.AcceptAsync(socket, credentials, _logger, ct).ConfigureAwait(false) is { } stream) Serve(stream, ct);
    }

    private void TrackHandshake(Task handshake)
    {
        _handshakes[handshake] = 0;
        _ = handshake.ContinueWith(t => _handshakes.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Serve(Stream stream, CancellationToken ct)
    {
        var connection = new NativeConnection(stream, new NativeRequestProcessor(runner), _logger);
        // Registered before it runs, so a connection that ends at once is still removed.
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _connections[connection] = ServeAsync(connection, registered.Task, ct);
        registered.SetResult();
    }

    private async Task ServeAsync(NativeConnection connection, Task registered, CancellationToken ct)
    {
        await registered.ConfigureAwait(false);
        try
        {
            await connection.RunAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Native protocol connection failed");
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            _connections.TryRemove(connection, out _);
        }
    }

    private void OnGossip(GossipEvent e, MembershipSnapshot membership) => Push(NativeEvents.FromGossip(e, membership));

    private void OnSchema(Schema.SchemaChange change) => Push(NativeEvents.FromSchema(change));

    private void Push(IEnumerable<(string Type, byte[] Frame)> events)
    {
        try
        {
            foreach (var (type, frame) in events)
            {
                foreach (var connection in _connections.Keys) connection.Push(type, frame);
            }
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Native protocol event push failed");
        }
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RingStore.Node.Messaging;

namespace RingStore.Node.Schema;

/// <summary>
/// Keeps this node's schema in step with its peers. Pull: when gossip shows a live peer announcing a SCHEMA
/// version other than ours, we ask that peer for its schema and merge it (this is how a node that was down
/// catches up). Push: after a local DDL the node sends its schema to the live peers so a table created here
/// can be written on any node right away, without waiting for a gossip round.
/// Both directions carry whole snapshots and merge them, so repeats, reorderings and losses are harmless.
/// </summary>
public sealed class SchemaSync
{
    private readonly SchemaManager _manager;
    private readonly IMessagingService _messaging;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<PeerAddress, Task> _pullsInFlight = [];

    /// <summary>Registers the <see cref="Verb.SchemaPull"/> and <see cref="Verb.SchemaPush"/> handlers on <paramref name="messaging"/>.</summary>
    public SchemaSync(SchemaManager manager, IMessagingService messaging, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(messaging);
        _manager = manager;
        _messaging = messaging;
        _logger = logger ?? NullLogger.Instance;
        messaging.RegisterHandler(Verb.SchemaPull, new SchemaPullHandler(manager));
        messaging.RegisterHandler(Verb.SchemaPush, new SchemaPushHandler(manager, _logger));
    }

    /// <summary>Pulls in flight right now (for diagnostics and tests).</summary>
    public int PullsInFlight
    {
        get
        {
            lock (_gate)
            {
                return _pullsInFlight.Count;
            }
        }
    }

    /// <summary>
    /// Called when gossip shows a live peer's SCHEMA state. If it differs from our version, pulls the peer's schema
    /// and merges it. At most one pull per peer is in flight: a second call while one runs returns the running one.
    /// Failures (timeout, peer gone, bad bytes) are logged and swallowed: gossip will report the difference again.
    /// </summary>
    public Task OnPeerSchemaVersionAsync(PeerAddress peer, string? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (string.IsNullOrEmpty(version) || peer == _messaging.LocalAddress)
        {
            return Task.CompletedTask; // the peer has not announced a schema yet, or it is us
        }

        // An unparsable version is still "different": pulling costs one request and the merge decides.
        if (Guid.TryParse(version, out var announced) && announced == _manager.Current.Version)
        {
            return Task.CompletedTask;
        }

        TaskCompletionSource done;
        lock (_gate)
        {
            if (_pullsInFlight.TryGetValue(peer, out var running))
            {
                return running;
            }

            done = new TaskCompletionSource();
            _pullsInFlight[peer] = done.Task;
        }

        return PullAsync(peer, done, cancellationToken);
    }

    /// <summary>
    /// Sends our current schema to each peer (ourselves excluded) in parallel and returns how many acknowledged,
    /// i.e. merged and saved it. A peer that times out or fails is logged and not counted; gossip will bring it
    /// up to date later.
    /// </summary>
    public async Task<int> PushAsync(IReadOnlyList<PeerAddress> peers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peers);
        byte[] payload = SchemaCodec.Serialize(_manager.Current);
        var pushes = peers.Where(p => p != _messaging.LocalAddress).Distinct().Select(p => PushOneAsync(p, payload, timeout, cancellationToken)).ToArray();
        bool[] acknowledged = await Task.WhenAll(pushes).ConfigureAwait(false);
        return acknowledged.Count(a => a);
    }

    private async Task PullAsync(PeerAddress peer, TaskCompletionSource done, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _messaging.SendRequestAsync(peer, Verb.SchemaPull, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            var remote = SchemaCodec.Deserialize(response.Payload);
            if (_manager.MergeRemote(remote))
            {
                SchemaLog.Pulled(_logger, peer, _manager.Current.Version);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            SchemaLog.PullFailed(_logger, peer, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            lock (_gate)
            {
                _pullsInFlight.Remove(peer);
            }

            done.TrySetResult();
        }
    }

    private async Task<bool> PushOneAsync(PeerAddress peer, byte[] payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _messaging.SendRequestAsync(peer, Verb.SchemaPush, payload, timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            SchemaLog.PushFailed(_logger, peer, $"{e.GetType().Name}: {e.Message}");
            return false;
        }
    }
}

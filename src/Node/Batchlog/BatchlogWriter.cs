using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using RingStore.Coordination;
using RingStore.Coordination.Batchlog;
using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Gossip.Ring;
using RingStore.Gossip.State;
using RingStore.Node.Messaging;
using RingStore.Node.Requests;

namespace RingStore.Node.Batchlog;

/// <summary>
/// The coordinator side of a LOGGED batch over several partitions (Cassandra's batchlog): 1. store the whole batch
/// in the batchlog of up to two other live nodes of this datacenter (<see cref="BatchlogEndpoints"/>) and wait for
/// every one's ack (none alive: Unavailable, nothing written); 2. write each partition through the normal write path
/// at the client's consistency; 3. once every partition succeeded, remove the entries in the background. If this
/// node dies after step 1, or a partition's write fails in step 2, the entries stay and the nodes holding them replay
/// the batch after the replay timeout (<see cref="BatchlogReplayer"/>): every mutation of the batch is eventually
/// applied. The promise is atomicity, not isolation: a reader can see some partitions of the batch before others.
/// </summary>
public sealed class BatchlogWriter(
    LocalBatchlog local,
    WriteCoordinator writes,
    IMessagingService messaging,
    Func<MembershipSnapshot> membership,
    Guid hostId,
    int maxEntryBytes,
    TimeSpan writeTimeout,
    TimeProvider clock,
    ILogger logger)
{
    /// <summary>
    /// Test-only fault hook: with this environment variable set to 1, the node kills itself (SIGKILL, no cleanup) right
    /// after the batchlog acks of a logged batch, before applying any of its mutations: the crash the batchlog exists for.
    /// </summary>
    public const string CrashAfterBatchlogVariable = "RINGSTORE_TEST_CRASH_AFTER_BATCHLOG";

    /// <summary>False: a LOGGED batch is written as an UNLOGGED one (no batchlog); for comparisons and tests.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Read once: the hook is for test processes started with the variable, never toggled at run time.</summary>
    public bool CrashAfterBatchlog { get; init; } = Environment.GetEnvironmentVariable(CrashAfterBatchlogVariable) == "1";

    private readonly Random _random = new(hostId.GetHashCode());

    /// <exception cref="UnavailableException">No live node can keep the batchlog (or a partition's replicas are too few).</exception>
    /// <exception cref="WriteTimeoutException">A batchlog node did not ack in time; nothing of the batch was applied.</exception>
    public async Task WriteAsync(IReadOnlyList<(TableSchema Table, PartitionUpdate Update)> updates, ConsistencyLevel consistency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(updates);
        IReadOnlyList<string> holders = [];
        BatchRemoveMessage? remove = null;
        if (Enabled)
        {
            var snapshot = membership();
            holders = ChooseHolders(snapshot);
            var message = Entry(updates);
            byte[] payload = CoordinationMessageSerializer.Serialize(message);
            if (payload.Length > maxEntryBytes)
                throw new InvalidRequestException($"Batch too large for the batchlog: {payload.Length} bytes encoded, over the {maxEntryBytes}-byte " +
                    "limit of one batchlog entry (a commit-log entry and an internode message must hold it). Split the batch.");
            await StoreAsync(holders, snapshot.LocalEndpoint, message, payload, ct).ConfigureAwait(false);
            remove = new BatchRemoveMessage(CoordinationMessageSerializer.CurrentVersion, message.Id, message.WrittenAtMicros);
        }
        if (CrashAfterBatchlog)
        {
            logger.LogCritical("{Variable}=1: killing this node after the batchlog write, before applying the batch", CrashAfterBatchlogVariable);
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        }
        // A failure here leaves the entries: their holders replay the batch after the replay timeout.
        await Task.WhenAll(updates.Select(u => writes.WriteAsync(u.Table.Keyspace, u.Update, consistency, ct))).ConfigureAwait(false);
        if (remove is not null) _ = RemoveAsync(holders, membership().LocalEndpoint, remove);
    }

    private IReadOnlyList<string> ChooseHolders(MembershipSnapshot snapshot)
    {
        var usable = ReplicaReachability.IsUsable(snapshot, messaging);
        string localDc = snapshot.LocalDatacenter;
        var self = snapshot.Find(snapshot.LocalEndpoint);
        var datacenter = snapshot.Members
            .Where(m => m.Datacenter == localDc && m.Status is NodeStatus.Normal or NodeStatus.Shutdown or NodeStatus.Leaving)
            .Select(m => new BatchlogCandidate(m.Endpoint, m.Rack, usable(m.Endpoint)))
            .ToList();
        if (!datacenter.Any(c => c.Endpoint == snapshot.LocalEndpoint))
            datacenter.Add(new BatchlogCandidate(snapshot.LocalEndpoint, self?.Rack ?? "rack1", true));
        IReadOnlyList<string> chosen;
        lock (_random) chosen = BatchlogEndpoints.Choose(snapshot.LocalEndpoint, self?.Rack ?? "rack1", datacenter, _random);
        if (chosen.Count > 0) return chosen;
        // As Cassandra: the batchlog needs ONE node when the datacenter has two, TWO otherwise; none of them is up.
        int required = Math.Min(BatchlogEndpoints.Copies, datacenter.Count - 1);
        throw new UnavailableException(required == 1 ? ConsistencyLevel.One : ConsistencyLevel.Two, required, 0);
    }

    private BatchStoreMessage Entry(IReadOnlyList<(TableSchema Table, PartitionUpdate Update)> updates)
    {
        var now = clock.GetUtcNow();
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        var id = TimeUuid.Create(now, random);
        long micros = now.ToUnixTimeMilliseconds() * 1000 + now.Microsecond;
        return new BatchStoreMessage(CoordinationMessageSerializer.CurrentVersion, id, hostId, micros,
            [.. updates.Select(u => new BatchMutationMessage(u.Table.Keyspace, MutationMessage.For(u.Update)))]);
    }

    private async Task StoreAsync(IReadOnlyList<string> holders, string self, BatchStoreMessage message, byte[] payload, CancellationToken ct)
    {
        var stores = holders.Select(async endpoint =>
        {
            if (endpoint == self)
            {
                await local.StoreAsync(message, payload, ct).ConfigureAwait(false);
                return new StoreOutcome(endpoint, null, TimedOut: false);
            }
            try
            {
                await messaging.SendRequestAsync(PeerAddress.Parse(endpoint), Verb.BatchStore, payload, writeTimeout, ct).ConfigureAwait(false);
                return new StoreOutcome(endpoint, null, TimedOut: false);
            }
            catch (RequestFailedException e) when (e.Reason is RequestFailureReason.RemoteHandlerFailed or RequestFailureReason.NoHandler)
            {
                // An error answer (disk full; no handler: a node of an older version) is a failure.
                return new StoreOutcome(endpoint, e.Detail.Length > 0 ? e.Detail : e.Reason.ToString(), TimedOut: false);
            }
            catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException)
            {
                // No answer, or the connection was lost: the entry may or may not be there.
                return new StoreOutcome(endpoint, e.Message, TimedOut: true);
            }
        }).ToList();
        var failed = (await Task.WhenAll(stores).ConfigureAwait(false)).Where(r => r.Error is not null).ToList();
        if (failed.Count == 0) return;
        // Not every copy is there: the batch is not applied (the copies that are there will be replayed).
        var level = holders.Count == 1 ? ConsistencyLevel.One : ConsistencyLevel.Two;
        logger.LogWarning("Batchlog write of batch {Id} failed on {Failed}", message.Id, string.Join(", ", failed.Select(f => $"{f.Endpoint} ({f.Error})")));
        if (failed.All(f => f.TimedOut)) throw new WriteTimeoutException(level, holders.Count - failed.Count, holders.Count);
        throw new WriteFailureException(level, holders.Count - failed.Count, holders.Count,
            failed.Where(f => !f.TimedOut).ToDictionary(f => f.Endpoint, f => f.Error!, StringComparer.Ordinal));
    }

    private readonly record struct StoreOutcome(string Endpoint, string? Error, bool TimedOut);

    private async Task RemoveAsync(IReadOnlyList<string> holders, string self, BatchRemoveMessage remove)
    {
        byte[] payload = CoordinationMessageSerializer.Serialize(remove);
        foreach (var endpoint in holders)
        {
            try
            {
                if (endpoint == self) await local.RemoveAsync(remove.Id, remove.WrittenAtMicros, CancellationToken.None).ConfigureAwait(false);
                else await messaging.SendRequestAsync(PeerAddress.Parse(endpoint), Verb.BatchRemove, payload, writeTimeout, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // a lost remove only costs a harmless replay of an applied batch
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogDebug("Batchlog remove of {Id} on {Endpoint} failed ({Reason}); it will be replayed, harmlessly", remove.Id, endpoint, e.Message);
            }
        }
    }
}

using Microsoft.Extensions.Logging;
using RingStore.Coordination.Batchlog;
using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Node.Requests;

namespace RingStore.Node.Batchlog;

/// <summary>
/// Replays this node's batchlog entries that are due (<see cref="BatchlogReplaySchedule"/>: older than the replay
/// timeout, by default twice the write timeout), every <c>interval</c> on the node's TimeProvider (Cassandra: 10 s).
/// A batch is replayed by writing each of its mutations through the normal write path at ONE: the coordinator sends
/// to every live replica and hints the down ones and those that fail, so the batch reaches every replica eventually;
/// once every mutation is written the entry is deleted. A mutation whose replicas are all down (Unavailable) or that
/// times out keeps the entry for the next round. A mutation of a table or keyspace dropped since is skipped (it can
/// never be applied; Cassandra skips those too). An entry that cannot be decoded is logged and deleted.
/// </summary>
public sealed class BatchlogReplayer(LocalBatchlog log, WriteCoordinator writes, ReplicaLookup lookup, TimeSpan interval, TimeSpan timeout,
    TimeProvider clock, ILogger logger)
{
    private readonly SemaphoreSlim _round = new(1, 1);

    public TimeSpan Timeout => timeout;

    /// <summary>The loop: one round per interval until <paramref name="stop"/> fires.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    await ReplayDueAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // one failed round (a disk error reading the table) must not end the loop; the next round retries
                catch (Exception e)
#pragma warning restore CA1031
                {
                    logger.LogError(e, "Batchlog replay round failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One round: replays every due entry, oldest first. Returns how many entries were replayed and deleted.</summary>
    public async Task<int> ReplayDueAsync(CancellationToken ct)
    {
        await _round.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var entries = log.ReadAll(ct).ToList();
            var due = BatchlogReplaySchedule.Due(entries.Select(e => new BatchlogEntryTime(e.Id, e.WrittenAtMicros)), clock.GetUtcNow(), timeout);
            var byId = entries.ToDictionary(e => e.Id);
            int replayed = 0;
            foreach (var entry in due)
            {
                var (id, writtenAt, message) = byId[entry.Id];
                if (message is null)
                {
                    logger.LogError("Batchlog entry {Id} cannot be decoded; deleting it", id);
                    await log.RemoveAsync(id, writtenAt, ct).ConfigureAwait(false);
                    continue;
                }
                if (await ReplayAsync(message, ct).ConfigureAwait(false))
                {
                    await log.RemoveAsync(id, writtenAt, ct).ConfigureAwait(false);
                    replayed++;
                }
            }
            if (replayed > 0) logger.LogInformation("Replayed {Count} batchlog entr{Plural}", replayed, replayed == 1 ? "y" : "ies");
            return replayed;
        }
        finally
        {
            _round.Release();
        }
    }

    private async Task<bool> ReplayAsync(BatchStoreMessage message, CancellationToken ct)
    {
        var writesOfBatch = message.Mutations.Select(async m =>
        {
            var update = m.Mutation.ToUpdate();
            string table = update.Table[(update.Table.IndexOf('.', StringComparison.Ordinal) + 1)..];
            try
            {
                _ = lookup.Table(m.Keyspace, table);
            }
            catch (Exception e) when (e is InvalidRequestException or UnknownTableException)
            {
                logger.LogWarning("Batch {Id}: skipping its mutation of {Table}, which no longer exists", message.Id, update.Table);
                return true;
            }
            try
            {
                await writes.WriteAsync(m.Keyspace, update, ConsistencyLevel.One, ct).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is UnavailableException or WriteTimeoutException or WriteFailureException or DiskUsageExceededException)
            {
                logger.LogInformation("Batch {Id}: replay of its mutation of {Table} failed ({Reason}); the next round retries", message.Id, update.Table, e.Message);
                return false;
            }
        }).ToList();
        bool[] done = await Task.WhenAll(writesOfBatch).ConfigureAwait(false);
        return done.All(d => d);
    }
}

using Microsoft.Extensions.Logging;
using RingStore.Core.Data;
using RingStore.Storage.CommitLog;

namespace RingStore.Storage.Hints;

/// <summary>
/// One replay of one target's hints, in append order, from the delivered cursor. The caller holds the target's
/// replay lock and usage gate. Each hint is either acknowledged (delivered), expired (dropped), or damaged (skipped);
/// all three move the cursor past it. A refusal or failure stops the replay with the cursor on that hint, so the next
/// replay starts with it. The cursor is persisted every <see cref="HintStoreOptions.PersistDeliveredEveryHints"/>
/// hints and when the replay ends, however it ends.
/// </summary>
internal sealed class HintReplayer(HintStoreOptions options, TimeProvider time, HintCounters counters, ILogger logger)
{
    /// <summary>
    /// Hints sent before the oldest is acknowledged. Sends leave in append order; a window hides the round trip
    /// (each hint waits for the target's commit log), and applying hints in a different order is harmless because
    /// each carries its own timestamps and the merge rule is order-independent.
    /// </summary>
    public const int MaxInFlight = 16;

    public async Task<HintReplayResult> RunAsync(HintTarget target,
        Func<PartitionUpdate, CancellationToken, Task<bool>> send, CancellationToken ct)
    {
        var log = target.Log;
        long started = time.GetTimestamp();
        long windowMs = (long)options.HintWindow.TotalMilliseconds;
        int delivered = 0, dropped = 0, corrupt = 0, sincePersist = 0;
        long sentBytes = 0, deliveredBytes = 0;
        bool stopped = false;
        // In append order: hints in flight, and expired/damaged ones waiting for the cursor to pass them.
        var window = new Queue<(ScanItem Item, Task<bool>? Send)>();

        // Retires the oldest entry: moves the cursor past it, or stops at it if its send failed.
        async Task RetireOldestAsync()
        {
            var (item, sending) = window.Dequeue();
            if (sending is null)
            {
                log.MarkDelivered(item.End);
            }
            else if (!stopped && await sending.ConfigureAwait(false))
            {
                delivered++;
                deliveredBytes += item.Payload.Length;
                counters.AddDelivered();
                target.RemovePending(item.Payload.Length);
                log.MarkDelivered(item.End);
            }
            else if (!stopped)
            {
                // Everything before this hint is done (including skipped ranges): resume exactly here. Later hints
                // already in flight may arrive too; resending them next time is harmless (same timestamps).
                log.MarkDelivered(item.Position);
                stopped = true;
            }
            if (++sincePersist >= options.PersistDeliveredEveryHints && !stopped)
            {
                sincePersist = 0;
                await log.PersistDeliveredAsync().ConfigureAwait(false);
            }
        }

        try
        {
            // Loop until caught up: hints appended during a pass are committed after it started and get the next pass.
            while (!stopped)
            {
                long until = log.CommittedUntil;
                if (log.DeliveredUntil >= until)
                    break;
                foreach (var item in log.Scanner.Scan(log.DeliveredUntil, until, target.Skip))
                {
                    ct.ThrowIfCancellationRequested();
                    if (item.IsCorrupt || !HintRecord.TryReadCreatedAt(item.Payload, out long createdAtMs))
                    {
                        corrupt += SkipCorrupt(target, item);
                        window.Enqueue((item, null));
                    }
                    else if (time.GetUtcNow().ToUnixTimeMilliseconds() - createdAtMs > windowMs)
                    {
                        dropped++;
                        counters.AddDropped();
                        target.RemovePending(item.Payload.Length);
                        window.Enqueue((item, null));
                    }
                    else if (!HintRecord.TryDecodeMutation(item.Payload, out var mutation, out string reason))
                    {
                        corrupt += SkipCorrupt(target, item with { IsCorrupt = true, Reason = reason });
                        window.Enqueue((item, null));
                    }
                    else
                    {
                        var wait = HintThrottle.DelayBeforeNextSend(sentBytes, time.GetElapsedTime(started),
                            options.ReplayThrottleKiBPerSecond);
                        if (wait > TimeSpan.Zero)
                            await Task.Delay(wait, time, ct).ConfigureAwait(false);
                        sentBytes += item.Payload.Length;
                        window.Enqueue((item, TrySendAsync(target.HostId, mutation!, send, ct)));
                    }

                    while (window.Count >= MaxInFlight && !stopped)
                        await RetireOldestAsync().ConfigureAwait(false);
                    if (stopped)
                        break;
                }
                while (window.Count > 0)
                    await RetireOldestAsync().ConfigureAwait(false);
                if (!stopped)
                    log.MarkDelivered(until); // also covers skipped ranges at the end of the pass
            }
        }
        finally
        {
            // Let sends still in flight finish (or fail) before the caller may close the log or replay again.
            foreach (var (_, sending) in window)
            {
                if (sending is not null)
                {
                    try { await sending.ConfigureAwait(false); }
                    catch (OperationCanceledException) { }
                }
            }
            await PersistQuietlyAsync(target).ConfigureAwait(false);
        }
        return new HintReplayResult(delivered, dropped, corrupt, stopped, deliveredBytes);
    }

    private async Task<bool> TrySendAsync(Guid hostId, PartitionUpdate mutation,
        Func<PartitionUpdate, CancellationToken, Task<bool>> send, CancellationToken ct)
    {
        try
        {
            return await send(mutation, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Hint replay to {HostId} failed; it will resume at this hint next time", hostId);
            return false;
        }
    }

    private int SkipCorrupt(HintTarget target, ScanItem item)
    {
        var (file, offset) = target.Log.Locate(item.Position);
        logger.LogWarning("Skipping corrupt hint for {HostId} at {File} offset {Offset}: {Reason}. The hints in it are lost.",
            target.HostId, file, offset, item.Reason);
        counters.AddCorrupt();
        // Damage found now (not at open) hides hints that open counted as pending; one is the best estimate.
        target.RemovePending(item.Payload.Length);
        target.Log.MarkDelivered(item.End);
        return 1;
    }

    private async Task PersistQuietlyAsync(HintTarget target)
    {
        try
        {
            await target.Log.PersistDeliveredAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not fatal: the in-memory cursor stays right for this process; a restart would resend from the last commit.
            logger.LogWarning(ex, "Could not persist the delivered-hints position for {HostId}", target.HostId);
        }
    }
}

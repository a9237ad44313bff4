using Microsoft.Extensions.Logging;
using RingStore.Core.Data;
using RingStore.Gossip.Ring;
using RingStore.Node.Cluster;
using RingStore.Coordination;
using RingStore.Node.Metrics;
using RingStore.Storage.Hints;

namespace RingStore.Node.Requests;

/// <summary>
/// Stores a hint for a replica that is down or did not acknowledge in time, keyed by its host id (an endpoint can
/// change address; a host id cannot). Skips replicas down longer than the hint window: as in Cassandra, those
/// need repair, and hints would only pile up.
/// </summary>
public sealed class HintRecorder(HintStore store, DownTracker down, HintPolicy policy, NodeMetrics metrics, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan AppendTimeout = TimeSpan.FromSeconds(10);

    public HintStore Store => store;

    /// <summary>True when the hint is durably stored.</summary>
    public async Task<bool> TryHintAsync(MembershipSnapshot membership, NodeInfo replica, PartitionUpdate update)
    {
        if (!policy.ShouldHint(replica, down.DownFor(replica.Endpoint))) return false;
        var hostId = membership.Find(replica.Endpoint)?.HostId ?? Guid.Empty;
        if (hostId == Guid.Empty) return false;
        try
        {
            // A device that never completes the fsync must not hold the write path forever: give up after a bound
            // (the hint may or may not be stored; either way the write's outcome is decided by the acks).
            using var bound = new CancellationTokenSource(AppendTimeout, time);
            await store.AppendAsync(hostId, update, bound.Token).ConfigureAwait(false);
            metrics.HintStored();
            return true;
        }
#pragma warning disable CA1031 // a failed hint is logged and counted as no hint; the write's outcome decides the rest
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning(e, "Could not store a hint for {Endpoint}", replica.Endpoint);
            return false;
        }
    }
}

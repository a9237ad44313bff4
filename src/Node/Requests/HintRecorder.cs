using Microsoft.Extensions.Logging;
using RingStore.Core.Data;
using RingStore.Gossip.Ring;
using RingStore.Node.Cluster;
using RingStore.Node.Coordination;
using RingStore.Node.Metrics;
using RingStore.Storage.Hints;

namespace RingStore.Node.Requests;

/// <summary>
/// Stores a hint for a replica that is down or did not acknowledge in time, keyed by its host id (an endpoint can
/// change address; a host id cannot). Skips replicas down longer than the hint window: as in Cassandra, those
/// need repair, and hints would only pile up.
/// </summary>
public sealed class HintRecorder(HintStore store, DownTracker down, HintPolicy policy, NodeMetrics metrics, ILogger logger)
{
    public HintStore Store => store;

    /// <summary>True when the hint is durably stored.</summary>
    public async Task<bool> TryHintAsync(MembershipSnapshot membership, NodeInfo replica, PartitionUpdate update)
    {
        if (!policy.ShouldHint(replica, down.DownFor(replica.Endpoint))) return false;
        var hostId = membership.Find(replica.Endpoint)?.HostId ?? Guid.Empty;
        if (hostId == Guid.Empty) return false;
        try
        {
            await store.AppendAsync(hostId, update).ConfigureAwait(false);
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

using RingStore.Core.Data;
using RingStore.Node.Cluster;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Gossip.Ring;

namespace RingStore.Node.Requests;

/// <summary>
/// Writes a read repair to one replica and completes when it acknowledged (blocking read repair): the local replica
/// straight through the engine, a remote one with a ReadRepair message. Shared by partition reads and range scans.
/// </summary>
public sealed class ReadRepairSender(LocalReplica local, IMessagingService messaging, TimeSpan timeout)
{
    public async Task RepairAsync(MembershipSnapshot membership, string endpoint, PartitionUpdate repair, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(membership);
        if (endpoint == membership.LocalEndpoint)
        {
            await local.ApplyAsync(repair, ct).ConfigureAwait(false);
            return;
        }
        await messaging.SendRequestAsync(PeerAddress.Parse(endpoint), Verb.ReadRepair, CoordinationMessageSerializer.Serialize(MutationMessage.For(repair)),
            timeout, ct).ConfigureAwait(false);
    }
}

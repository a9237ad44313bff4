using RingStore.Gossip.Ring;
using RingStore.Node.Cluster;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Node.Streaming;

namespace RingStore.Node.Topology;

/// <summary>
/// Answers what this node's ring makes of an endpoint, so an operation knows its announcement has arrived, and which host
/// holds it, so a new node can tell that its address already belongs to another host before it gossips.
/// </summary>
public sealed class TopologyProbeVerbHandler(Func<MembershipSnapshot> membership) : IVerbHandler
{
    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var request = CoordinationMessageSerializer.Deserialize<TopologyProbeRequest>(payload);
        var member = membership().Resolved.Member(request.Endpoint);
        var response = new TopologyProbeResponse(member?.DisplayStatus ?? "UNKNOWN", member?.HostId.ToString("D") ?? "",
            member is not null && member.Role != MemberRole.Out);
        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(CoordinationMessageSerializer.Serialize(response));
    }
}

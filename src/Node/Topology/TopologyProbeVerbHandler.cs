using RingStore.Gossip.Ring;
using RingStore.Node.Cluster;
using RingStore.Node.Coordination;
using RingStore.Node.Messaging;
using RingStore.Node.Streaming;

namespace RingStore.Node.Topology;

/// <summary>Answers what this node's ring makes of an endpoint, so an operation knows its announcement has arrived.</summary>
public sealed class TopologyProbeVerbHandler(Func<MembershipSnapshot> membership) : IVerbHandler
{
    private static readonly SimpleStrategy PrimaryOnly = new(1);

    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var request = CoordinationMessageSerializer.Deserialize<TopologyProbeRequest>(payload);
        string status = membership().For(PrimaryOnly).Member(request.Endpoint)?.DisplayStatus ?? "UNKNOWN";
        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(CoordinationMessageSerializer.Serialize(new TopologyProbeResponse(status)));
    }
}

namespace RingStore.Gossip.Protocol;

/// <summary>What one call into the gossiper produced: messages to send and events to publish.</summary>
public sealed record GossipOutput(IReadOnlyList<OutgoingMessage> Messages, IReadOnlyList<GossipEvent> Events)
{
    public static GossipOutput Empty { get; } = new([], []);
}

namespace RingStore.Gossip.Protocol;

/// <summary>Membership changes the node reacts to (hint delivery on Up, stop routing on Down...). Explicit, append-only.</summary>
public enum GossipEventKind
{
    Joined = 0,
    Up = 1,
    Down = 2,
    Left = 3,
    StateChanged = 4,
    Restarted = 5,
    Removed = 6,
}

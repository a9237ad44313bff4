namespace RingStore.Gossip.State;

/// <summary>
/// Generation is fixed for a process lifetime (its start time in seconds), so a restarted node's higher
/// generation supersedes everything its previous incarnation said. Version grows every gossip round while
/// the node is alive; its arrival times feed the failure detector.
/// </summary>
public readonly record struct HeartbeatState(int Generation, int Version)
{
    public int CompareTo(HeartbeatState other) =>
        Generation != other.Generation ? Generation.CompareTo(other.Generation) : Version.CompareTo(other.Version);
}

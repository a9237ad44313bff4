namespace RingStore.Gossip.State;

/// <summary>
/// Values of the STATUS application state. The lifecycle is BOOT (joining, tokens announced, pending ranges)
/// -> NORMAL (owns its tokens) -> LEAVING (streaming away) -> LEFT (gone; kept in quarantine, then forgotten).
/// "shutdown" is a graceful stop: the node keeps its tokens and comes back with a higher generation.
/// </summary>
public static class NodeStatus
{
    public const string Boot = "BOOT";
    public const string Normal = "NORMAL";
    public const string Leaving = "LEAVING";
    public const string Left = "LEFT";
    public const string Shutdown = "shutdown";

    /// <summary>Not a gossiped STATUS: how a node being removed by removenode (see <see cref="Removals"/>) is shown.</summary>
    public const string Removing = "REMOVING";

    /// <summary>Not a gossiped STATUS: a node removed by removenode or replaced by --replace.</summary>
    public const string Removed = "REMOVED";

    /// <summary>A node in these states must not be marked up by gossip alone.</summary>
    public static bool IsDeadState(string? status) => status is Left or Shutdown;
}

namespace RingStore.Gossip.State;

/// <summary>
/// Keys of the versioned application states a node gossips about itself. Values go over the wire as ints:
/// explicit and append-only, so a node of a newer version can add keys that older nodes carry along untouched.
/// </summary>
public enum ApplicationState
{
    Status = 0,
    Tokens = 1,
    HostId = 2,
    Datacenter = 3,
    Rack = 4,
    RpcAddress = 5,
    Load = 6,
    Schema = 7,
    ReleaseVersion = 8,
    /// <summary>
    /// Set by the node that coordinates a removenode, on its own state: "REMOVING:hostid" entries for a removal in
    /// progress and "REMOVED:hostid" for finished ones, separated by ';' (see <see cref="Removals"/>). A dead node
    /// cannot announce anything itself, so its removal travels in the coordinator's state.
    /// </summary>
    Removal = 9,
    /// <summary>Set by a node started with --replace: the host id of the dead node whose tokens it takes over.</summary>
    Replacing = 10,
    /// <summary>How full the node's data disk is, in whole percent (the data-disk-usage guardrail reads it).</summary>
    DiskUsage = 11,
    /// <summary>The node's CQL native-protocol address (host:port); absent when its native listener is off.</summary>
    NativeAddress = 12,
}

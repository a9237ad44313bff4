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
}

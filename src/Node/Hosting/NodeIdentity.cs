using MessagePack;

namespace RingStore.Node.Hosting;

/// <summary>
/// Who this node is across restarts: a node restarted on the same data directory must come back with the
/// same host id and tokens (or it would own other data than it holds), and with a higher gossip generation
/// than it ever used (so peers take its new state over the old one).
/// </summary>
[MessagePackObject]
public sealed record NodeIdentity(
    [property: Key(0)] int FormatVersion,
    [property: Key(1)] string ClusterName,
    [property: Key(2)] Guid HostId,
    [property: Key(3)] long[] Tokens,
    [property: Key(4)] int LastGeneration)
{
    public const int CurrentFormatVersion = 1;
}

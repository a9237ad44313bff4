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
    [property: Key(4)] int LastGeneration,
    [property: Key(5)] bool BootstrapPending = false,
    [property: Key(6)] bool Decommissioned = false,
    [property: Key(7)] Guid ReplacedHostId = default)
{
    /// <summary>
    /// BootstrapPending: tokens chosen (or taken over with --replace) but the ranges not all streamed yet; a restart
    /// resumes the bootstrap. Decommissioned: the node left the ring; it must not start on this directory again.
    /// Files written before these fields existed read them as false/empty, which is what those nodes are.
    /// </summary>
    [IgnoreMember]
    public bool HasTokens => Tokens.Length > 0;

    public const int CurrentFormatVersion = 1;
}

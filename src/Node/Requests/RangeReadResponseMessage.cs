using MessagePack;

namespace RingStore.Node.Requests;

/// <summary>
/// A replica's answer to a <see cref="RangeReadCommandMessage"/>: partitions in token order, each in
/// <see cref="Coordination.MergedPartitionDataCodec"/> form. <see cref="Truncated"/> says the replica stopped at
/// the partition limit, so it said nothing about tokens past its last partition. <see cref="Warnings"/> (key 3, absent
/// from older replicas' answers): warnings for the client raised on the replica (tombstone guardrail).
/// </summary>
[MessagePackObject]
public sealed record RangeReadResponseMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] byte[][] Partitions,
    [property: Key(2)] bool Truncated,
    [property: Key(3)] string[]? Warnings = null);

using MessagePack;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;

namespace RingStore.Node.Requests;

/// <summary>
/// A replica's answer to a <see cref="RangeReadCommandMessage"/>: partitions in (token, key) order, each in
/// <see cref="RingStore.Coordination.MergedPartitionDataCodec"/> form, the last one possibly a fragment. <see cref="Truncated"/>
/// says the replica stopped at its row or byte limit, so it said nothing past its resume position: (ResumeToken,
/// ResumeKey) and, when the last partition was cut inside, its last row ResumeClustering. <see cref="Warnings"/>
/// (key 6, absent from older replicas' answers): warnings for the client raised on the replica (tombstone guardrail).
/// </summary>
[MessagePackObject]
public sealed record RangeReadResponseMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] byte[][] Partitions,
    [property: Key(2)] bool Truncated,
    [property: Key(3)] long ResumeToken = 0,
    [property: Key(4)] byte[]? ResumeKey = null,
    [property: Key(5)] byte[]? ResumeClustering = null,
    [property: Key(6)] string[]? Warnings = null)
{
    /// <summary>Null unless truncated. A reply from an older replica (no ResumeKey) resumes after its last token.</summary>
    [IgnoreMember]
    public RangePosition? Resume => !Truncated ? null
        : ResumeKey is null ? new RangePosition(new Token(ResumeToken)) : new RangePosition(new Token(ResumeToken), ResumeKey, ResumeClustering);
}

using MessagePack;
using RingStore.Storage.Engine;

namespace RingStore.Node.Coordination;

/// <summary>
/// A replica's answer to a <see cref="ReadCommandMessage"/>: either the data (a <see cref="MergedPartitionDataCodec"/>
/// encoding, which itself says "no partition") or a 16-byte <see cref="ResponseDigest"/>. <see cref="Warnings"/> (key 4,
/// absent from older replicas' answers) are warnings for the client raised on the replica (tombstone guardrail).
/// </summary>
[MessagePackObject]
public sealed record ReadResponseMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] bool IsDigest,
    [property: Key(2)] byte[]? Data,
    [property: Key(3)] byte[]? Digest,
    [property: Key(4)] string[]? Warnings = null)
{
    public static ReadResponseMessage ForData(MergedPartitionData? data) =>
        new(CoordinationMessageSerializer.CurrentVersion, false, MergedPartitionDataCodec.Serialize(data), null);

    public static ReadResponseMessage ForDigest(MergedPartitionData? data) =>
        new(CoordinationMessageSerializer.CurrentVersion, true, null, ResponseDigest.Compute(data));

    /// <exception cref="FormatException">A digest response, or data this build cannot read.</exception>
    public MergedPartitionData? DecodeData()
    {
        if (IsDigest || Data is null)
        {
            throw new FormatException("Not a data response.");
        }
        return MergedPartitionDataCodec.Deserialize(Data);
    }

    /// <summary>The digest of this answer: the one sent, or computed from the data (for comparing with digests).</summary>
    public byte[] DigestOrCompute()
    {
        if (IsDigest)
        {
            return Digest is { Length: ResponseDigest.SizeBytes } d
                ? d
                : throw new FormatException($"Digest of {Digest?.Length ?? 0} bytes, expected {ResponseDigest.SizeBytes}.");
        }
        return ResponseDigest.Compute(DecodeData());
    }
}

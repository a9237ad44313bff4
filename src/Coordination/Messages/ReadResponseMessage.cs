using MessagePack;
using RingStore.Core.Reads;

namespace RingStore.Coordination;

/// <summary>
/// A replica's answer to a <see cref="ReadCommandMessage"/>: either the data (a <see cref="MergedPartitionDataCodec"/>
/// encoding, which itself says "no partition") or a 16-byte <see cref="ResponseDigest"/>. <see cref="Truncated"/>: the
/// replica stopped at its reply byte budget before the row limit (the coordinator pages on from its last row).
/// <see cref="Warnings"/> (key 5, absent from older replicas' answers) are warnings for the client raised on the
/// replica (tombstone guardrail).
/// </summary>
[MessagePackObject]
public sealed record ReadResponseMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] bool IsDigest,
    [property: Key(2)] byte[]? Data,
    [property: Key(3)] byte[]? Digest,
    [property: Key(4)] bool Truncated = false,
    [property: Key(5)] string[]? Warnings = null)
{
    public static ReadResponseMessage ForData(MergedPartitionData? data, bool truncated = false) =>
        new(CoordinationMessageSerializer.CurrentVersion, false, MergedPartitionDataCodec.Serialize(data), null, truncated);

    public static ReadResponseMessage ForDigest(MergedPartitionData? data, bool truncated = false) =>
        new(CoordinationMessageSerializer.CurrentVersion, true, null, ResponseDigest.Compute(data), truncated);

    /// <summary>The decoded data answer of <paramref name="endpoint"/>, with its truncation.</summary>
    public ReplicaReadResponse ToReplicaResponse(string endpoint) => new(endpoint, DecodeData(), Truncated);

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

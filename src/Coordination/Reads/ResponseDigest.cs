using System.IO.Hashing;
using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Core.Serialization;

namespace RingStore.Coordination;

/// <summary>
/// A 16-byte XxHash128 of a replica's answer over a canonical serialization, so that replicas holding the same
/// data send the same digest and any difference (a tombstone, a timestamp, a TTL) changes it.
/// Canonical means: every field of every row and cell written explicitly (nothing implied by flags), range
/// tombstones sorted and de-duplicated (replicas may list them in any order), rows with nothing in them skipped,
/// and "no partition" equal to an empty live partition (one replica may have the partition with nothing in the
/// slice, another not at all).
/// The key and token are left out: all answers are for the same key.
/// </summary>
public static class ResponseDigest
{
    public const int SizeBytes = 16;

    /// <summary>Bumped if the canonical form changes; nodes of different versions then just see mismatches and repair.</summary>
    private const byte CanonicalFormatVersion = 1;

    public static byte[] Compute(MergedPartitionData? data) => XxHash128.Hash(CanonicalBytes(data));

    public static bool AreEqual(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.SequenceEqual(b);

    internal static byte[] CanonicalBytes(MergedPartitionData? data)
    {
        var w = new BinaryWriterBuffer(256);
        w.WriteByte(CanonicalFormatVersion);
        WriteDeletion(w, data?.PartitionDeletion ?? DeletionTime.Live);

        var tombstones = new SortedSet<byte[]>(Comparer<byte[]>.Create(static (a, b) => a.AsSpan().SequenceCompareTo(b)));
        var scratch = new BinaryWriterBuffer(64);
        foreach (var rt in data?.RangeTombstones ?? [])
        {
            scratch.Clear();
            DataSerializer.WriteRangeTombstone(scratch, rt);
            tombstones.Add(scratch.ToArray());
        }
        w.WriteVarUInt((ulong)tombstones.Count);
        foreach (var rt in tombstones)
        {
            w.WriteBlob(rt);
        }

        var rows = (data?.Rows ?? []).Where(r => !r.IsEmpty).ToList();
        w.WriteVarUInt((ulong)rows.Count);
        foreach (var row in rows)
        {
            w.WriteBlob(row.Clustering);
            w.WriteVarInt(row.Liveness.TimestampMicros);
            w.WriteVarInt(row.Liveness.TtlSeconds);
            w.WriteVarInt(row.Liveness.ExpiresAtSeconds);
            WriteDeletion(w, row.Deletion);
            w.WriteVarUInt((ulong)row.Cells.Length);
            foreach (var cell in row.Cells)
            {
                w.WriteVarInt(cell.Column);
                w.WriteVarInt(cell.TimestampMicros);
                w.WriteVarInt(cell.TtlSeconds);
                w.WriteVarInt(cell.LocalDeletionTimeSeconds);
                w.WriteByte(cell.Value is null ? (byte)0 : (byte)1);
                if (cell.Value is not null)
                {
                    w.WriteBlob(cell.Value);
                }
            }
        }
        return w.ToArray();
    }

    private static void WriteDeletion(BinaryWriterBuffer w, DeletionTime d)
    {
        w.WriteVarInt(d.MarkedForDeleteAtMicros);
        w.WriteVarInt(d.LocalDeletionTimeSeconds);
    }
}

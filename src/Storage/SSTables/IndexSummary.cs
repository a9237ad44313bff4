using RingStore.Core.Partitioning;
using RingStore.Core.Serialization;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Every Nth Index entry (key, token, Index position), kept in memory: a lookup binary-searches it
/// and then scans at most N entries of the Index. Body of the Summary component: varuint count,
/// then count x (blob key, i64 token, varuint index position). The interval N is the header parameter.
/// </summary>
internal sealed class IndexSummary(int interval, byte[][] keys, long[] tokens, long[] indexPositions)
{
    public int Interval { get; } = interval;
    public int Count => keys.Length;

    public long IndexPositionAt(int i) => indexPositions[i];

    /// <summary>Index of the last sample at or before (token, key); -1 when (token, key) precedes every sample.</summary>
    public int FloorIndex(Token token, ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = keys.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (IndexEntry.Compare(new Token(tokens[mid]), keys[mid], token, key) <= 0) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    /// <summary>Index of the last sample whose token is strictly below <paramref name="token"/>; -1 if none.</summary>
    public int LastBelow(Token token)
    {
        int lo = 0, hi = tokens.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (tokens[mid] < token.Value) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    public byte[] Serialize()
    {
        var w = new BinaryWriterBuffer(64 + keys.Length * 32);
        w.WriteVarUInt((ulong)keys.Length);
        for (int i = 0; i < keys.Length; i++)
        {
            w.WriteBlob(keys[i]);
            w.WriteInt64(tokens[i]);
            w.WriteVarUInt((ulong)indexPositions[i]);
        }
        return w.ToArray();
    }

    public static IndexSummary Deserialize(ReadOnlySpan<byte> body, int interval, string path)
    {
        try
        {
            var r = new BinaryReaderSpan(body);
            ulong n = r.ReadVarUInt();
            if (n > (ulong)r.Remaining) throw new FormatException($"summary claims {n} entries");
            var keys = new byte[n][];
            var tokens = new long[n];
            var positions = new long[n];
            for (ulong i = 0; i < n; i++)
            {
                keys[i] = r.ReadBlob();
                tokens[i] = r.ReadInt64();
                positions[i] = (long)r.ReadVarUInt();
            }
            return new IndexSummary(interval, keys, tokens, positions);
        }
        catch (FormatException e)
        {
            throw new CorruptSSTableException(path, FileHeader.SizeBytes, "malformed summary", e);
        }
    }
}

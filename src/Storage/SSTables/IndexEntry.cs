using RingStore.Core.Partitioning;
using RingStore.Core.Serialization;

namespace RingStore.Storage.SSTables;

/// <summary>
/// One partition in the Index component: key, token, where the partition lies in the Data stream
/// and, for partitions larger than one row-index interval, the row index. Stored as a
/// length-prefixed record: blob key, i64 token, varuint position, varuint length, varuint n,
/// then n x (blob first clustering, blob last clustering, varuint offset, varuint length).
/// </summary>
internal sealed class IndexEntry(byte[] key, Token token, long dataPosition, long dataLength, RowIndexEntry[] rowIndex)
{
    public byte[] Key { get; } = key;
    public Token Token { get; } = token;
    public long DataPosition { get; } = dataPosition;
    public long DataLength { get; } = dataLength;
    public RowIndexEntry[] RowIndex { get; } = rowIndex;

    public void Serialize(BinaryWriterBuffer w)
    {
        w.WriteBlob(Key);
        w.WriteInt64(Token.Value);
        w.WriteVarUInt((ulong)DataPosition);
        w.WriteVarUInt((ulong)DataLength);
        w.WriteVarUInt((ulong)RowIndex.Length);
        foreach (var e in RowIndex)
        {
            w.WriteBlob(e.FirstClustering);
            w.WriteBlob(e.LastClustering);
            w.WriteVarUInt((ulong)e.Offset);
            w.WriteVarUInt((ulong)e.Length);
        }
    }

    public static IndexEntry Deserialize(ReadOnlySpan<byte> record)
    {
        var r = new BinaryReaderSpan(record);
        byte[] key = r.ReadBlob();
        var token = new Token(r.ReadInt64());
        long position = (long)r.ReadVarUInt();
        long length = (long)r.ReadVarUInt();
        ulong n = r.ReadVarUInt();
        if (n > (ulong)r.Remaining) throw new FormatException($"row index claims {n} entries with {r.Remaining} bytes left");
        var rowIndex = new RowIndexEntry[n];
        for (ulong i = 0; i < n; i++)
            rowIndex[i] = new RowIndexEntry(r.ReadBlob(), r.ReadBlob(), (long)r.ReadVarUInt(), (long)r.ReadVarUInt());
        return new IndexEntry(key, token, position, length, rowIndex);
    }

    /// <summary>Compares a serialized entry's position in the sort order with (token, key), decoding nothing else.</summary>
    public static int CompareTo(ReadOnlySpan<byte> record, Token token, ReadOnlySpan<byte> key)
    {
        var r = new BinaryReaderSpan(record);
        ulong keyLength = r.ReadVarUInt();
        if (keyLength > (ulong)r.Remaining) throw new FormatException($"key of {keyLength} bytes in a {record.Length}-byte entry");
        var entryKey = r.ReadSpan((int)keyLength);
        return Compare(new Token(r.ReadInt64()), entryKey, token, key);
    }

    /// <summary>The SSTable sort order: token (signed), then key bytes (unsigned memcmp).</summary>
    public static int Compare(Token tokenA, ReadOnlySpan<byte> keyA, Token tokenB, ReadOnlySpan<byte> keyB)
    {
        int c = tokenA.CompareTo(tokenB);
        return c != 0 ? c : keyA.SequenceCompareTo(keyB);
    }
}

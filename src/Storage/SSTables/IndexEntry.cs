using RingStore.Core.Partitioning;
using RingStore.Core.Serialization;

namespace RingStore.Storage.SSTables;

/// <summary>
/// One partition in the Index component: key, token, where the partition lies in the Data stream and, for partitions
/// larger than one row-index interval, the row index. Stored as a length-prefixed record: blob key, i64 token,
/// varuint position, varuint length, varuint n, then n x (blob first clustering, blob last clustering, varuint
/// offset, varuint length); version 2 then adds n x u32, the offset of each row-index entry from the first one.
/// </summary>
internal sealed class IndexEntry(byte[] key, Token token, long dataPosition, long dataLength, RowIndex rowIndex)
{
    public byte[] Key { get; } = key;
    public Token Token { get; } = token;
    public long DataPosition { get; } = dataPosition;
    public long DataLength { get; } = dataLength;
    public RowIndex RowIndex { get; } = rowIndex;

    public static void Serialize(BinaryWriterBuffer w, byte[] key, Token token, long dataPosition, long dataLength,
        IReadOnlyList<RowIndexEntry> rowIndex, ushort version)
    {
        w.WriteBlob(key);
        w.WriteInt64(token.Value);
        w.WriteVarUInt((ulong)dataPosition);
        w.WriteVarUInt((ulong)dataLength);
        w.WriteVarUInt((ulong)rowIndex.Count);
        int entriesStart = w.Length;
        var offsets = version >= 2 ? new long[rowIndex.Count] : null;
        for (int i = 0; i < rowIndex.Count; i++)
        {
            var e = rowIndex[i];
            if (offsets is not null) offsets[i] = w.Length - entriesStart;
            w.WriteBlob(e.FirstClustering);
            w.WriteBlob(e.LastClustering);
            w.WriteVarUInt((ulong)e.Offset);
            w.WriteVarUInt((ulong)e.Length);
        }
        if (offsets is null) return;
        foreach (long offset in offsets)
        {
            if (offset > uint.MaxValue) throw new InvalidOperationException("A partition's row index exceeds 4 GiB.");
            w.WriteUInt32((uint)offset);
        }
    }

    /// <summary>
    /// Reads the entry whose length-prefixed record starts at the cursor, or only its position in the sort order when
    /// <paramref name="match"/> says it is not the one wanted; leaves the cursor after the record either way. A version 2
    /// row index is not read (only located); a version 1 one is decoded whole.
    /// </summary>
    public static IndexEntry? Read(BlockCursor cursor, ref byte[] scratch, ushort version, Matcher match)
    {
        long at = cursor.Position;
        ulong length = cursor.ReadVarUInt();
        long start = cursor.Position;
        if (length > (ulong)Math.Max(0, cursor.LogicalLength - start)) throw cursor.Corrupt(at, $"index entry of {length} bytes runs past the file");
        long end = start + (long)length;
        try
        {
            ulong keyLength = cursor.ReadVarUInt();
            if (keyLength > (ulong)(end - cursor.Position)) throw new FormatException($"key of {keyLength} bytes in a {length}-byte entry");
            // The key is a view of its block (or of scratch): reading the token into its own buffer leaves it valid.
            var keySpan = cursor.ReadSpan((int)keyLength, ref scratch);
            Span<byte> raw = stackalloc byte[8];
            cursor.ReadExactly(raw);
            var token = new Token(System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(raw));
            if (!match(token, keySpan))
            {
                cursor.Position = end;
                return null;
            }
            byte[] key = keySpan.ToArray();
            long position = (long)cursor.ReadVarUInt();
            long dataLength = (long)cursor.ReadVarUInt();
            ulong n = cursor.ReadVarUInt();
            if (cursor.Position > end || n > (ulong)(end - cursor.Position)) throw new FormatException($"row index claims {n} entries in a {length}-byte entry");
            RowIndex rowIndex;
            if (n == 0) rowIndex = RowIndex.None;
            else if (version >= 2)
            {
                long offsetsStart = end - 4L * (long)n;
                if (offsetsStart < cursor.Position) throw new FormatException($"row index of {n} entries has no room for its offset table");
                rowIndex = new OnDiskRowIndex(cursor.File, cursor.Position, offsetsStart, (int)n);
            }
            else
            {
                var entries = new RowIndexEntry[n];
                for (ulong i = 0; i < n; i++)
                    entries[i] = new RowIndexEntry(ReadBlob(cursor, end, ref scratch), ReadBlob(cursor, end, ref scratch),
                        (long)cursor.ReadVarUInt(), (long)cursor.ReadVarUInt());
                rowIndex = new InMemoryRowIndex(entries);
            }
            if (cursor.Position > end) throw new FormatException("index entry overruns its length");
            cursor.Position = end;
            return new IndexEntry(key, token, position, dataLength, rowIndex);
        }
        catch (FormatException e)
        {
            throw cursor.Corrupt(at, "malformed index entry", e);
        }
    }

    /// <summary>Whether the entry with this token and key is the one to decode.</summary>
    public delegate bool Matcher(Token token, ReadOnlySpan<byte> key);

    private static byte[] ReadBlob(BlockCursor cursor, long end, ref byte[] scratch)
    {
        ulong n = cursor.ReadVarUInt();
        if (n > (ulong)Math.Max(0, end - cursor.Position)) throw new FormatException($"blob of {n} bytes runs past its entry");
        return cursor.ReadSpan((int)n, ref scratch).ToArray();
    }

    /// <summary>The SSTable sort order: token (signed), then key bytes (unsigned memcmp).</summary>
    public static int Compare(Token tokenA, ReadOnlySpan<byte> keyA, Token tokenB, ReadOnlySpan<byte> keyB)
    {
        int c = tokenA.CompareTo(tokenB);
        return c != 0 ? c : keyA.SequenceCompareTo(keyB);
    }
}

using System.Buffers.Binary;

namespace RingStore.Storage.SSTables;

/// <summary>
/// A partition's row index (one <see cref="RowIndexEntry"/> per stretch of rows). Index version 2 keeps it on disk
/// and reads an entry only when a search asks for it, so a slice of a partition with thousands of stretches reads
/// O(log n) entries (and the Index blocks holding them) instead of deserializing all of them; version 1 files have
/// no offset table, so their row index is decoded whole when the partition is looked up, as before.
/// </summary>
internal abstract class RowIndex
{
    public static readonly RowIndex None = new InMemoryRowIndex([]);

    public abstract int Count { get; }

    /// <summary>A reader for one search or walk (not thread-safe; open one per enumeration).</summary>
    public abstract IRowIndexReader OpenReader();
}

internal interface IRowIndexReader
{
    RowIndexEntry Get(int i);
}

/// <summary>A row index decoded whole (version 1 Index files, and partitions with no row index).</summary>
internal sealed class InMemoryRowIndex(RowIndexEntry[] entries) : RowIndex, IRowIndexReader
{
    public override int Count => entries.Length;

    public override IRowIndexReader OpenReader() => this;

    public RowIndexEntry Get(int i) => entries[i];
}

/// <summary>
/// A version 2 row index left in the Index file: <paramref name="count"/> entries from
/// <paramref name="entriesStart"/>, then a table of u32 offsets (entry i at entriesStart + offset[i]) at
/// <paramref name="offsetsStart"/>, which is what makes entry i reachable without reading entries 0..i-1.
/// </summary>
internal sealed class OnDiskRowIndex(ChecksummedBlockFile index, long entriesStart, long offsetsStart, int count) : RowIndex
{
    private readonly ChecksummedBlockFile _index = index;
    private readonly long _entriesStart = entriesStart, _offsetsStart = offsetsStart;
    private readonly int _count = count;

    public override int Count => _count;

    public override IRowIndexReader OpenReader() => new Reader(this);

    private sealed class Reader(OnDiskRowIndex owner) : IRowIndexReader
    {
        private readonly BlockCursor _cursor = new(owner._index, owner._offsetsStart);
        private byte[] _scratch = new byte[64];

        public RowIndexEntry Get(int i)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(i);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, owner._count);
            long at = owner._offsetsStart + 4L * i;
            _cursor.Position = at;
            Span<byte> raw = stackalloc byte[4];
            _cursor.ReadExactly(raw);
            long offset = BinaryPrimitives.ReadUInt32LittleEndian(raw);
            long limit = owner._offsetsStart - owner._entriesStart;
            if (offset >= limit) throw _cursor.Corrupt(at, $"row index offset {offset} outside its {limit}-byte entries");
            _cursor.Position = owner._entriesStart + offset;
            long end = owner._offsetsStart;
            byte[] first = ReadBlob(end), last = ReadBlob(end);
            long stretchOffset = (long)_cursor.ReadVarUInt(), length = (long)_cursor.ReadVarUInt();
            if (_cursor.Position > end || stretchOffset < 0 || length < 0) throw _cursor.Corrupt(at, "malformed row index entry");
            return new RowIndexEntry(first, last, stretchOffset, length);
        }

        private byte[] ReadBlob(long end)
        {
            long at = _cursor.Position;
            ulong n = _cursor.ReadVarUInt();
            if (n > (ulong)Math.Max(0, end - _cursor.Position)) throw _cursor.Corrupt(at, $"row index key of {n} bytes runs past its entries");
            return _cursor.ReadSpan((int)n, ref _scratch).ToArray();
        }
    }
}

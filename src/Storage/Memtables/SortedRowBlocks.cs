namespace RingStore.Storage.Memtables;

/// <summary>
/// The rows of an out-of-order memtable partition, sorted by clustering key: row references in blocks of at most
/// <see cref="BlockSize"/>, each block sorted and the blocks in order. It replaced a SortedDictionary keyed by the
/// caller's clustering array, which kept a tree node and that array alive per row for the memtable's life: two
/// long-lived objects per row that the GC copied through gen1 and gen2 (issue 20: the one-row writes of the storage
/// benchmark land in random clustering order, so every row was one). Here a row is a 16-byte slot in an array (plus its 8-byte key prefix), its key
/// read from its encoding in the arena. Find: binary search over the blocks' first keys, then in the block; insert:
/// shift inside one block, split it in halves when full (O(block) per insert, so wide partitions stay cheap).
/// Each slot also keeps its key's first 8 bytes as a big-endian number (<see cref="KeyPrefix"/>) in a parallel array:
/// the binary search compares those and reads a key from the arena only when two prefixes tie. Reading every probed
/// key from its row encoding (a varint, then the bytes) was a quarter of a one-row write's CPU in `bench storage`.
/// Not thread-safe: used under the partition's lock, and readers copy what they need under it.
/// </summary>
internal sealed class SortedRowBlocks
{
    public const int DefaultBlockSize = 128;

    private readonly List<Block> _blocks = [];

    public SortedRowBlocks(int blockSize = DefaultBlockSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 2);
        BlockSize = blockSize;
    }

    public int BlockSize { get; }

    public int Count { get; private set; }

    /// <summary>Where a key is, or would go.</summary>
    public readonly record struct Slot(int Block, int Index, bool Found);

    /// <summary>Loads rows already sorted and distinct (an ordered list moving here), filling blocks to three quarters.</summary>
    public static SortedRowBlocks FromSorted(ReadOnlySpan<EncodedRowRef> rows, int blockSize = DefaultBlockSize)
    {
        var blocks = new SortedRowBlocks(blockSize);
        int fill = Math.Max(1, blockSize * 3 / 4);
        for (int start = 0; start < rows.Length; start += fill)
        {
            var block = new Block(blockSize);
            var part = rows.Slice(start, Math.Min(fill, rows.Length - start));
            part.CopyTo(block.Items);
            for (int i = 0; i < part.Length; i++) block.Prefixes[i] = KeyPrefix(part[i].Clustering);
            block.Count = part.Length;
            blocks._blocks.Add(block);
        }
        blocks.Count = rows.Length;
        return blocks;
    }

    public Slot Find(ReadOnlySpan<byte> key)
    {
        if (_blocks.Count == 0) return new Slot(0, 0, false);
        ulong prefix = KeyPrefix(key);
        // The last block whose first key is at or before the key (block 0 when the key precedes everything).
        int lo = 0, hi = _blocks.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >>> 1;
            if (Compare(_blocks[mid], 0, prefix, key) <= 0) lo = mid;
            else hi = mid - 1;
        }
        var b = _blocks[lo];
        int l = 0, h = b.Count; // the first entry at or after the key
        while (l < h)
        {
            int m = (l + h) >>> 1;
            if (Compare(b, m, prefix, key) < 0) l = m + 1;
            else h = m;
        }
        return new Slot(lo, l, l < b.Count && Compare(b, l, prefix, key) == 0);
    }

    /// <summary>The stored key at <paramref name="i"/> against a key and its prefix: the same order as comparing the bytes.</summary>
    private static int Compare(Block b, int i, ulong prefix, ReadOnlySpan<byte> key)
    {
        ulong stored = b.Prefixes[i];
        if (stored != prefix) return stored < prefix ? -1 : 1;
        return b.Items[i].Clustering.SequenceCompareTo(key);
    }

    /// <summary>
    /// A key's first 8 bytes as a big-endian number, zero-padded: unequal prefixes order as the keys do (unsigned
    /// lexicographic byte order); equal ones say nothing (a shorter key padded with zeros ties a longer one), so the
    /// keys are then compared in full.
    /// </summary>
    internal static ulong KeyPrefix(ReadOnlySpan<byte> key)
    {
        if (key.Length >= 8) return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(key);
        ulong v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (i < key.Length ? key[i] : 0u);
        return v;
    }

    public EncodedRowRef At(Slot slot) => slot.Found ? _blocks[slot.Block].Items[slot.Index] : throw new InvalidOperationException("No row at this slot.");

    /// <summary>Replaces the row at a found slot (the merged version of the same clustering).</summary>
    public void Replace(Slot slot, EncodedRowRef row)
    {
        if (!slot.Found) throw new InvalidOperationException("No row at this slot.");
        _blocks[slot.Block].Items[slot.Index] = row;
    }

    /// <summary>Inserts a row at the slot <see cref="Find"/> gave for its key (nothing changed since).</summary>
    public void Insert(Slot slot, EncodedRowRef row)
    {
        if (slot.Found) throw new InvalidOperationException("The key is already present.");
        if (_blocks.Count == 0)
        {
            _blocks.Add(new Block(BlockSize));
        }
        int bi = slot.Block, i = slot.Index;
        var b = _blocks[bi];
        if (b.Count == BlockSize)
        {
            int half = BlockSize / 2;
            var right = new Block(BlockSize);
            Array.Copy(b.Items, half, right.Items, 0, b.Count - half);
            Array.Copy(b.Prefixes, half, right.Prefixes, 0, b.Count - half);
            right.Count = b.Count - half;
            Array.Clear(b.Items, half, b.Count - half);
            b.Count = half;
            _blocks.Insert(bi + 1, right);
            if (i > half)
            {
                b = right;
                i -= half;
            }
        }
        Array.Copy(b.Items, i, b.Items, i + 1, b.Count - i);
        Array.Copy(b.Prefixes, i, b.Prefixes, i + 1, b.Count - i);
        b.Items[i] = row;
        b.Prefixes[i] = KeyPrefix(row.Clustering);
        b.Count++;
        Count++;
    }

    /// <summary>Every row in key order.</summary>
    public IEnumerable<EncodedRowRef> InOrder()
    {
        foreach (var b in _blocks)
            for (int i = 0; i < b.Count; i++) yield return b.Items[i];
    }

    /// <summary>Copies every row in key order into <paramref name="destination"/> (at least <see cref="Count"/> long).</summary>
    public void CopyTo(Span<EncodedRowRef> destination)
    {
        int at = 0;
        foreach (var b in _blocks)
        {
            b.Items.AsSpan(0, b.Count).CopyTo(destination[at..]);
            at += b.Count;
        }
    }

    private sealed class Block(int size)
    {
        public readonly EncodedRowRef[] Items = new EncodedRowRef[size];
        public readonly ulong[] Prefixes = new ulong[size]; // KeyPrefix of Items[i]'s clustering
        public int Count;
    }
}

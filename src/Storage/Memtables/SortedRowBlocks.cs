namespace RingStore.Storage.Memtables;

/// <summary>
/// The rows of an out-of-order memtable partition, sorted by clustering key: row references in blocks of at most
/// <see cref="BlockSize"/>, each block sorted and the blocks in order. It replaced a SortedDictionary keyed by the
/// caller's clustering array, which kept a tree node and that array alive per row for the memtable's life: two
/// long-lived objects per row that the GC copied through gen1 and gen2 (issue 20: the one-row writes of the storage
/// benchmark land in random clustering order, so every row was one). Here a row is a 16-byte slot in an array, its key
/// read from its encoding in the arena. Find: binary search over the blocks' first keys, then in the block; insert:
/// shift inside one block, split it in halves when full (O(block) per insert, so wide partitions stay cheap).
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
            block.Count = part.Length;
            blocks._blocks.Add(block);
        }
        blocks.Count = rows.Length;
        return blocks;
    }

    public Slot Find(ReadOnlySpan<byte> key)
    {
        if (_blocks.Count == 0) return new Slot(0, 0, false);
        // The last block whose first key is at or before the key (block 0 when the key precedes everything).
        int lo = 0, hi = _blocks.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >>> 1;
            if (_blocks[mid].Items[0].Clustering.SequenceCompareTo(key) <= 0) lo = mid;
            else hi = mid - 1;
        }
        var b = _blocks[lo];
        int l = 0, h = b.Count; // the first entry at or after the key
        while (l < h)
        {
            int m = (l + h) >>> 1;
            if (b.Items[m].Clustering.SequenceCompareTo(key) < 0) l = m + 1;
            else h = m;
        }
        return new Slot(lo, l, l < b.Count && b.Items[l].Clustering.SequenceEqual(key));
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
        b.Items[i] = row;
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
        public int Count;
    }
}

namespace RingStore.Storage.SSTables;

/// <summary>
/// Whether a read may add the chunks it reads to the node's <see cref="ChunkCache"/>. Every read uses a chunk that is
/// cached; only a read given a fill inserts the ones it had to read, and at most <see cref="BudgetBytes"/> of them.
/// <para>
/// Which reads fill (as RocksDB's <c>fill_cache = false</c> for compaction and bulk scans, or ScyllaDB's bypass for scans): point reads and
/// small slices of one partition, the reads that come back for the same hot chunks. Reads that pass over data once —
/// compaction, streaming, repair and its validation, verify, snapshots, token-range scans — never insert (null fill):
/// otherwise each of them would push the working set out of the cache and leave a copy of every chunk it read behind as
/// garbage (reading a 512 MiB partition grew a node by 300 MiB when scans filled the cache).
/// </para>
/// <para>
/// The budget is per partition read of one SSTable (its header and row cursors share it): a read that walks further
/// than a few chunks — a page of a wide partition, a whole large partition — is a scan by another name, so its
/// first chunks go in (what the next point read of that partition wants: the header and the first rows) and the rest is
/// read around the cache. A paged read of a wide partition thus inserts at most 128 KiB per page and SSTable. One is made
/// per <see cref="SSTableReader.ReadPartition(byte[], IReadOnlyList{ClusteringSlice}, bool, bool)"/> of a cached file.
/// </para>
/// </summary>
internal sealed class ChunkCacheFill
{
    /// <summary>Chunk bytes one partition read of one SSTable may insert: 8 chunks at the default 16 KiB.</summary>
    public const int BudgetBytes = 128 * 1024;

    private int _left = BudgetBytes;

    /// <summary>
    /// Takes a chunk of <paramref name="chunkBytes"/> from the budget; false once it is spent (the chunk is then read
    /// around the cache). The chunk that crosses the budget still goes in, so any read inserts at least its first chunk.
    /// </summary>
    public bool TryTake(int chunkBytes)
    {
        // Interlocked: a lazy row enumeration may run on another thread than the one that read the header.
        return Volatile.Read(ref _left) > 0 && Interlocked.Add(ref _left, -chunkBytes) + chunkBytes > 0;
    }
}

using RocksDbSharp;

namespace RingStore.Bench.Storage;

/// <summary>
/// RocksDB as the peer: key = partition-key bytes + clustering bytes, WAL on without sync (the
/// same durability as RingStore's periodic commit log), a 10-bit bloom filter and a 64 MiB write
/// buffer to match RingStore's defaults.
/// </summary>
public sealed class RocksDbTarget : IStorageTarget
{
    private readonly RocksDb _db;
    private readonly string _dir;
    private readonly WriteOptions _write = new WriteOptions().SetSync(false);

    /// <param name="compression">none, lz4 or zstd for every level; null: RocksDB's default (Snappy).</param>
    public RocksDbTarget(string dir, string? compression = null)
    {
        _dir = dir;
        var table = new BlockBasedTableOptions().SetFilterPolicy(BloomFilterPolicy.Create(10, false));
        var options = new DbOptions()
            .SetCreateIfMissing(true)
            .SetWriteBufferSize(64UL << 20)
            .SetBlockBasedTableFactory(table);
        if (compression is not null)
        {
            options.SetCompression(compression switch
            {
                "none" => Compression.No,
                "lz4" => Compression.Lz4,
                "zstd" => Compression.Zstd,
                _ => throw new ArgumentException($"unknown RocksDB compression '{compression}' (none, lz4, zstd)"),
            });
        }
        _db = RocksDb.Open(options, dir);
    }

    public string Name => "rocksdb";

    private static byte[] Key(byte[] pk, byte[] ck)
    {
        var key = new byte[pk.Length + ck.Length];
        pk.CopyTo(key, 0);
        ck.CopyTo(key, pk.Length);
        return key;
    }

    public void WriteRow(byte[] partitionKey, byte[] clustering, byte[] value) =>
        _db.Put(Key(partitionKey, clustering), value, writeOptions: _write);

    public void WriteRows(byte[] partitionKey, IReadOnlyList<byte[]> clusterings, IReadOnlyList<byte[]> values)
    {
        using var batch = new WriteBatch();
        for (int i = 0; i < clusterings.Count; i++) batch.Put(Key(partitionKey, clusterings[i]), values[i]);
        _db.Write(batch, _write);
    }

    public void FlushAndCompact()
    {
        _db.Flush(new FlushOptions().SetWaitForFlush(true));
        _db.CompactRange((byte[]?)null, (byte[]?)null);
    }

    public bool ReadRow(byte[] partitionKey, byte[] clustering) => _db.Get(Key(partitionKey, clustering)) is not null;

    public int ReadPartition(byte[] partitionKey) => Scan(partitionKey, partitionKey, int.MaxValue);

    public int ReadRange(byte[] partitionKey, byte[] start, int count) => Scan(partitionKey, Key(partitionKey, start), count);

    private int Scan(byte[] prefix, byte[] from, int count)
    {
        using var it = _db.NewIterator();
        int n = 0;
        for (it.Seek(from); it.Valid() && n < count; it.Next())
        {
            if (!it.Key().AsSpan().StartsWith(prefix)) break;
            _ = it.Value();
            n++;
        }
        return n;
    }

    public long DiskBytes() => DirectorySize.Of(_dir);

    public long TableFileBytes() => DirectorySize.Of(_dir, "*.sst");

    public void Dispose() => _db.Dispose();
}

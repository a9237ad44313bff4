using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Tests.SSTables;

/// <summary>
/// The node-wide cache of decompressed chunks: reads through it equal reads without it (and the model), for several
/// SSTables sharing one cache, sequentially and from concurrent readers; it stays within its bound and keeps what is
/// used (CLOCK); a closed SSTable's chunks leave it and a new file is never served an old one's chunks; a corrupt chunk
/// is reported and never cached; a hit allocates nothing.
/// </summary>
public sealed class ChunkCacheTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private long _generation;

    public void Dispose() => _dir.Dispose();

    private static readonly SSTableWriterOptions Lz4Small = new()
    {
        Compression = new CompressionOptions { Algorithm = CompressionAlgorithm.Lz4, ChunkLengthKb = 1 },
        RowIndexIntervalBytes = 300,
    };

    private sealed record Read(int Table, int Partition, ClusteringSlice Slice, bool Reversed, bool Scan);

    private static readonly Gen<Read> ReadGen =
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 1000], CompressedSSTableTests.SliceGen, Gen.Bool, Gen.Int[0, 9],
            (t, p, slice, reversed, scan) => new Read(t, p, slice, reversed, scan == 0));

    /// <summary>What one read returns, as the model (the written partitions) says.</summary>
    private static List<Row>? Expected(TestPartition[] table, Read read)
    {
        if (table.Length == 0) return null;
        var p = table[read.Partition % table.Length];
        var rows = p.Rows.Where(r => read.Slice.Contains(r.Clustering)).ToList();
        if (read.Reversed) rows.Reverse();
        return rows;
    }

    /// <summary>Runs one read against <paramref name="reader"/> and compares with the model; scans compare every partition.</summary>
    private static void Check(SSTableReader reader, TestPartition[] table, Read read)
    {
        if (read.Scan)
        {
            var scanned = reader.ScanAll().ToList();
            Assert.Equal(table.Length, scanned.Count);
            for (int i = 0; i < table.Length; i++) TestData.AssertPartitionEqual(table[i], scanned[i]);
            return;
        }
        if (Expected(table, read) is not { } expected) return;
        var p = table[read.Partition % table.Length];
        var partition = reader.ReadPartition(p.Key, read.Slice, read.Reversed);
        Assert.NotNull(partition);
        Assert.Equal(p.Deletion, partition.PartitionDeletion);
        TestData.AssertRowsEqual(expected, partition.Rows.ToList());
    }

    [Fact]
    public void Reads_through_a_shared_cache_equal_reads_without_it_sequentially_and_concurrently()
    {
        Gen.Select(CompressedSSTableTests.CompressibleTableGen, CompressedSSTableTests.CompressibleTableGen, Gen.Int[0, 12], ReadGen.Array[1, 40])
            .Sample((first, second, capacityChunks, reads) =>
            {
                // Two SSTables on one cache of a few 1 KiB chunks: eviction runs all the time, and a cache keyed without
                // the file would serve one table's chunk for the other's.
                var cache = new ChunkCache(capacityChunks * 1024L);
                var tables = new[] { first, second };
                var cached = new SSTableReader[2];
                var plain = new SSTableReader[2];
                try
                {
                    for (int t = 0; t < 2; t++)
                    {
                        long gen = ++_generation;
                        using (TestData.Write(PhysicalFileSystem.Instance, _dir.Path, gen, tables[t], Lz4Small)) { }
                        cached[t] = SSTableReader.Open(PhysicalFileSystem.Instance, _dir.Path, gen);
                        cached[t].UseChunkCache(cache);
                        plain[t] = SSTableReader.Open(PhysicalFileSystem.Instance, _dir.Path, gen);
                    }
                    // Sequential: each read through the cache, twice (the second time from it when it fits), and without it.
                    foreach (var read in reads)
                    {
                        Check(plain[read.Table], tables[read.Table], read);
                        Check(cached[read.Table], tables[read.Table], read);
                        Check(cached[read.Table], tables[read.Table], read);
                        Assert.True(cache.SizeBytes <= cache.CapacityBytes, $"{cache.SizeBytes} bytes cached, bound {cache.CapacityBytes}");
                    }
                    // Concurrent: three readers at once over both tables, the cache evicting under them.
                    Parallel.For(0, 3, new ParallelOptions { MaxDegreeOfParallelism = 3 }, worker =>
                    {
                        for (int i = 0; i < reads.Length; i++)
                        {
                            var read = reads[(i + worker * 7) % reads.Length];
                            Check(cached[read.Table], tables[read.Table], read);
                        }
                    });
                    // While one thread evicts, each other inserting thread may add one chunk beyond the bound.
                    Assert.True(cache.SizeBytes <= cache.CapacityBytes + 2 * 1024, $"{cache.SizeBytes} bytes cached, bound {cache.CapacityBytes}");
                    if (capacityChunks == 0) Assert.Equal(0, cache.Count);
                    foreach (var r in cached) Assert.Empty(r.Verify());
                }
                finally
                {
                    foreach (var r in cached.Concat(plain)) r?.Dispose();
                }
                // Both files closed: nothing of theirs is left.
                Assert.Equal(0, cache.Count);
                Assert.Equal(0, cache.SizeBytes);
            }, iter: 40, threads: 1);
    }

    [Fact]
    public void Repeated_reads_are_served_from_the_cache()
    {
        var partitions = CompressedSSTableTests.TimeSeries(30, 150);
        var cache = new ChunkCache(16L << 20);
        using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions, Lz4Small);
        reader.UseChunkCache(cache);
        foreach (var p in partitions) TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, ClusteringSlice.All)!);
        long missesAfterFirstPass = cache.Misses, blocksRead = reader.DataBlocksRead;
        Assert.True(cache.Count > 0);
        foreach (var p in partitions) TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, ClusteringSlice.All)!);
        Assert.Equal(missesAfterFirstPass, cache.Misses); // everything fits: the second pass only hits
        Assert.True(cache.Hits > 0);
        Assert.Equal(blocksRead, reader.DataBlocksRead); // no chunk read (checksummed) from the file again
    }

    [Fact]
    public void Eviction_keeps_the_bound_and_gives_used_chunks_a_second_chance()
    {
        var cache = new ChunkCache(4 * 100);
        for (int i = 0; i < 4; i++) cache.Add(1, i, new byte[100]);
        Assert.Equal(400, cache.SizeBytes);
        Assert.NotNull(cache.TryGet(1, 0)); // chunk 0 used since it was added
        cache.Add(1, 4, new byte[100]);
        Assert.Equal(400, cache.SizeBytes);
        Assert.True(cache.Contains(1, 0), "a chunk used since the last pass survives it");
        Assert.False(cache.Contains(1, 1), "the oldest unused chunk goes first");
        Assert.Equal(1, cache.Evictions);

        // Random sizes and lookups: never over the bound, and the byte count always matches what is there.
        var random = new Random(5);
        var live = new Dictionary<long, int>();
        for (int i = 0; i < 5000; i++)
        {
            long chunk = random.Next(200);
            if (random.Next(3) == 0)
            {
                cache.TryGet(2, chunk);
                continue;
            }
            cache.Add(2, chunk, new byte[random.Next(1, 150)]);
            Assert.True(cache.SizeBytes <= cache.CapacityBytes);
        }
        long counted = 0;
        for (long chunk = 0; chunk < 200; chunk++)
            for (long file = 1; file <= 2; file++)
                if (cache.Contains(file, chunk)) counted++;
        Assert.Equal(cache.Count, counted);
        cache.RemoveFile(2, 200);
        cache.RemoveFile(1, 5);
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.SizeBytes);

        // A chunk larger than the whole cache is not kept.
        cache.Add(3, 0, new byte[401]);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Concurrent_inserts_and_lookups_keep_the_bound_once_they_stop()
    {
        var cache = new ChunkCache(64 * 1024);
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            var random = new Random(worker);
            for (int i = 0; i < 20_000; i++)
            {
                long chunk = random.Next(500);
                if (cache.TryGet(worker % 2, chunk) is { } hit) Assert.Equal((byte)chunk, hit[0]); // never another chunk's bytes
                else cache.Add(worker % 2, chunk, Enumerable.Repeat((byte)chunk, 1024).ToArray());
            }
        });
        Assert.True(cache.SizeBytes <= cache.CapacityBytes + 4 * 1024, $"{cache.SizeBytes} bytes");
        cache.Add(9, 0, new byte[1024]); // the next insert with the eviction lock free restores the bound
        Assert.True(cache.SizeBytes <= cache.CapacityBytes, $"{cache.SizeBytes} bytes");
    }

    [Fact]
    public void A_closed_sstables_chunks_leave_the_cache_and_a_new_file_with_the_same_generation_never_gets_them()
    {
        var cache = new ChunkCache(16L << 20);
        var before = CompressedSSTableTests.TimeSeries(20, 100);
        var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 7, before, Lz4Small);
        reader.UseChunkCache(cache);
        foreach (var p in before) TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, ClusteringSlice.All)!);
        Assert.True(cache.Count > 0);
        long oldFile = reader.DataFile.FileId;
        // Compaction replaced it: obsolete, then released by its last reader.
        reader.MarkObsolete();
        reader.Dispose();
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.SizeBytes);

        // The same generation written again with other rows (an import, a restore): the reader sees only the new rows.
        var after = before.Select(p => p with
        {
            Rows = p.Rows.Select(r => new Row(r.Clustering, r.Liveness, r.Deletion, [Cell.Live(0, 5, "changed"u8.ToArray())])).ToArray(),
        }).ToArray();
        using var again = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 7, after, Lz4Small);
        again.UseChunkCache(cache);
        Assert.NotEqual(oldFile, again.DataFile.FileId);
        foreach (var p in after) TestData.AssertPartitionEqual(p, again.ReadPartition(p.Key, ClusteringSlice.All)!);
        foreach (var p in after) TestData.AssertPartitionEqual(p, again.ReadPartition(p.Key, ClusteringSlice.All)!);
    }

    [Fact]
    public void A_corrupt_chunk_is_reported_and_never_cached()
    {
        var partitions = CompressedSSTableTests.TimeSeries(60, 40);
        var cache = new ChunkCache(16L << 20);
        using (TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions, Lz4Small)) { }
        using var reader = SSTableReader.Open(PhysicalFileSystem.Instance, _dir.Path, 1);
        reader.UseChunkCache(cache);
        var data = reader.DataFile;
        long victim = data.BlockCount / 2;
        var (offset, stored, logical) = data.LocationOf(victim);
        Assert.True(stored < logical);
        Flip(reader.DataPath, offset + 4 + stored / 2);

        var e = Assert.Throws<CorruptSSTableException>(() =>
        {
            foreach (var p in partitions) TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, ClusteringSlice.All)!);
        });
        Assert.Equal(offset, e.Offset);
        Assert.Contains("checksum mismatch", e.Message, StringComparison.Ordinal);
        Assert.False(cache.Contains(data.FileId, victim));
        Assert.True(cache.Count > 0); // the good chunks before it were cached
        // Verify reads the file, not the cache: the bad chunk is found again, and only it.
        Assert.Equal(victim, Assert.Single(reader.Verify()).Block);
        Assert.False(cache.Contains(data.FileId, victim));
    }

    [Fact]
    public void Point_reads_served_from_the_cache_allocate_no_array_per_chunk()
    {
        var partitions = CompressedSSTableTests.TimeSeries(30, 150);
        long PerRead(SSTableWriterOptions options, ChunkCache? cache)
        {
            using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, ++_generation, partitions, options);
            reader.UseChunkCache(cache);
            var key = partitions[11].Key;
            for (int i = 0; i < 50; i++) reader.ReadPartition(key, ClusteringSlice.All)!.Rows.Count(); // fill the cache
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++) reader.ReadPartition(key, ClusteringSlice.All)!.Rows.Count();
            return (GC.GetAllocatedBytesForCurrentThread() - before) / 200;
        }
        long plain = PerRead(new SSTableWriterOptions { Compression = CompressionOptions.Disabled, RowIndexIntervalBytes = 300 }, null);
        long cached = PerRead(Lz4Small, new ChunkCache(16L << 20));
        Assert.True(cached - plain < 512, $"{cached} bytes per read from the cache vs {plain} uncompressed");
    }

    private static void Flip(string path, long offset)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        f.Position = offset;
        int b = f.ReadByte();
        f.Position = offset;
        f.WriteByte((byte)(b ^ 0x10));
    }
}

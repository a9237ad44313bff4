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
/// is reported and never cached; a hit allocates nothing. Point reads insert (also chunks stored as they are, as verified
/// copies), at most a budget per read; scans, verify and reads told not to fill insert nothing.
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

    /// <summary>Partitions of random values: LZ4 cannot shrink their chunks, so the file stores them as they are.</summary>
    private static TestPartition[] Incompressible(int seed, int partitions = 40, int rows = 20)
    {
        var random = new Random(seed);
        return TestData.SortPartitions(Enumerable.Range(0, partitions).Select(i => new TestPartition(BitConverter.GetBytes(i), DeletionTime.Live, [],
            Enumerable.Range(0, rows).Select(r =>
            {
                var noise = new byte[100];
                random.NextBytes(noise);
                return new Row(BitConverter.GetBytes(r).Reverse().ToArray(), LivenessInfo.At(i), DeletionTime.Live, [Cell.Live(0, i, noise)]);
            }).ToArray())).ToArray());
    }

    [Fact]
    public void Chunks_stored_as_they_are_are_cached_by_point_reads_as_verified_copies()
    {
        // Without this a point read of incompressible values checksummed its whole chunk on every read.
        var partitions = Incompressible(8);
        var cache = new ChunkCache(16L << 20);
        using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions, Lz4Small);
        reader.UseChunkCache(cache);
        var data = reader.DataFile;
        Assert.All(Enumerable.Range(0, (int)data.BlockCount - 1), i => Assert.True(data.LocationOf(i) is var l && l.StoredLength == l.LogicalLength));
        foreach (var p in partitions) TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, ClusteringSlice.All)!);
        long blocksRead = reader.DataBlocksRead, misses = cache.Misses;
        Assert.True(cache.Count >= data.BlockCount - 1);
        foreach (var p in partitions) TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, ClusteringSlice.All)!);
        Assert.Equal(misses, cache.Misses);
        Assert.Equal(blocksRead, reader.DataBlocksRead); // no chunk checksummed from the map again
    }

    [Fact]
    public void A_corrupt_chunk_stored_as_it_is_is_reported_and_never_cached()
    {
        var partitions = Incompressible(9);
        var cache = new ChunkCache(16L << 20);
        using (TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions, Lz4Small)) { }
        using var reader = SSTableReader.Open(PhysicalFileSystem.Instance, _dir.Path, 1);
        reader.UseChunkCache(cache);
        var data = reader.DataFile;
        long victim = data.BlockCount / 2;
        var (offset, stored, logical) = data.LocationOf(victim);
        Assert.Equal(logical, stored);
        Flip(reader.DataPath, offset + 4 + stored / 2);

        var e = Assert.Throws<CorruptSSTableException>(() =>
        {
            foreach (var p in partitions) TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, ClusteringSlice.All)!);
        });
        Assert.Equal(offset, e.Offset);
        Assert.False(cache.Contains(data.FileId, victim));
        Assert.True(cache.Count > 0);
        Assert.Equal(victim, Assert.Single(reader.Verify()).Block);
    }

    /// <summary>
    /// Reads that pass over the data once (scans: compaction, streaming, repair, range reads; verify; a partition read
    /// told not to fill) insert nothing, compressed chunks or chunks stored as they are, and still use what is cached.
    /// Without the read-around every one of them fills the cache with the whole file.
    /// </summary>
    [Fact]
    public void Scans_verify_and_non_filling_reads_insert_nothing_but_use_cached_chunks()
    {
        foreach (var partitions in new[] { CompressedSSTableTests.TimeSeries(30, 150), Incompressible(10) })
        {
            var cache = new ChunkCache(16L << 20);
            using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, ++_generation, partitions, Lz4Small);
            reader.UseChunkCache(cache);
            var scanned = reader.ScanAll().ToList();
            for (int i = 0; i < partitions.Length; i++) TestData.AssertPartitionEqual(partitions[i], scanned[i]);
            Assert.Equal(partitions.Length, reader.Scan(Core.Partitioning.Token.Minimum, Core.Partitioning.Token.Maximum).Count());
            foreach (var p in partitions) TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, [ClusteringSlice.All], fillCache: false)!);
            Assert.Empty(reader.Verify());
            reader.VerifyChecksums();
            Assert.Equal(0, cache.Count);
            Assert.Equal(0, cache.SizeBytes);
            Assert.True(reader.DataFile.BlockCount > 10);

            // A point read inserts; a scan then hits those chunks and adds none of the others.
            var hot = partitions[partitions.Length / 2];
            TestData.AssertPartitionEqual(hot, reader.ReadPartition(hot.Key, ClusteringSlice.All)!);
            int cached = cache.Count;
            Assert.True(cached > 0);
            long hits = cache.Hits;
            scanned = reader.ScanAll().ToList();
            for (int i = 0; i < partitions.Length; i++) TestData.AssertPartitionEqual(partitions[i], scanned[i]);
            Assert.True(cache.Hits > hits);
            Assert.Equal(cached, cache.Count);
        }
    }

    /// <summary>
    /// A read of one partition inserts at most its budget (<see cref="ChunkCacheFill.BudgetBytes"/> plus the chunk that
    /// crosses it): a whole wide partition, or a page of one, is a scan and the rest is read around the cache.
    /// </summary>
    [Fact]
    public void A_read_of_a_wide_partition_inserts_only_its_first_chunks()
    {
        // One partition of 4,000 incompressible 100-byte rows (~420 KiB) in 16 KiB chunks.
        var partitions = Incompressible(11, partitions: 1, rows: 4000);
        var options = new SSTableWriterOptions
        {
            Compression = new CompressionOptions { Algorithm = CompressionAlgorithm.Lz4, ChunkLengthKb = 16 },
        };
        var cache = new ChunkCache(16L << 20);
        using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions, options);
        reader.UseChunkCache(cache);
        Assert.True(reader.DataLogicalBytes > 3 * ChunkCacheFill.BudgetBytes);
        TestData.AssertPartitionEqual(partitions[0], reader.ReadPartition(partitions[0].Key, ClusteringSlice.All)!);
        Assert.InRange(cache.SizeBytes, ChunkCacheFill.BudgetBytes, ChunkCacheFill.BudgetBytes + 16 * 1024);
        Assert.True(cache.Contains(reader.DataFile.FileId, 0)); // the header's chunk, what the next read of it needs first
        // Reversed: the header's chunk is a hit (no budget spent), the budget goes to the chunks at the partition's end.
        int afterForward = cache.Count;
        TestData.AssertRowsEqual(partitions[0].Rows.Reverse().ToList(), reader.ReadPartition(partitions[0].Key, ClusteringSlice.All, reversed: true)!.Rows.ToList());
        Assert.True(cache.Count > afterForward);
        Assert.True(cache.SizeBytes <= 2 * (ChunkCacheFill.BudgetBytes + 16 * 1024), $"{cache.SizeBytes} bytes");
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

using System.Text;
using CsCheck;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Storage.Engine;
using RingStore.Storage.Repair;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// The engine's chunk cache across flushes and compactions: every read equals the model (last write wins) whether the
/// engine has a cache or not, readers running during a compaction see the same, and the chunks of SSTables compaction
/// deleted are gone from the cache once the compaction ends (so they can never be served).
/// </summary>
public sealed class EngineChunkCacheTests
{
    /// <summary>1 KiB LZ4 chunks, so a 1 MiB cache holds about a thousand and evicts under a few MiB of rows.</summary>
    private static readonly TableSchema Schema = TimeSeries(new TableOptions
    {
        Compression = new CompressionOptions { Algorithm = CompressionAlgorithm.Lz4, ChunkLengthKb = 1 },
    });

    private static byte[] Value(long id, long ck, int version) =>
        Encoding.UTF8.GetBytes($"sensor {id} at {ck}: {20 + (id + ck) % 9}.{version % 10} C, battery {90 - version} %, status=ok");

    private sealed record Step(int Kind, int Partitions, int Rows);

    // Kind 0-2: write a batch of rows (new values for some partitions), 3: flush, 4: major compaction.
    private static readonly Gen<Step> StepGen = Gen.Select(Gen.Int[0, 4], Gen.Int[1, 30], Gen.Int[1, 60], (k, p, r) => new Step(k, p, r));

    [Fact]
    public async Task Reads_with_and_without_the_cache_equal_the_model_across_flushes_and_compactions()
    {
        await Gen.Select(StepGen.Array[3, 12], Gen.Int[0, 2]).SampleAsync(async (steps, cacheMiB) =>
        {
            using var dir = new TempDirectory();
            await using var engine = StorageEngine.Open(Options(dir.Path) with { ChunkCacheSizeMiB = cacheMiB }, [Schema]);
            var model = new Dictionary<(long Id, long Ck), byte[]>();
            int version = 0;
            long timestamp = 1;
            var readers = new List<Task>();
            foreach (var step in steps.Append(new Step(3, 0, 0)).Append(new Step(4, 0, 0)))
            {
                switch (step.Kind)
                {
                    case 3:
                        await engine.FlushAsync();
                        break;
                    case 4:
                        // Readers run while the compaction replaces the SSTables under them.
                        var snapshot = new Dictionary<(long Id, long Ck), byte[]>(model);
                        using (var stop = new CancellationTokenSource())
                        {
                            var running = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
                            {
                                int passes = 0;
                                while (!stop.IsCancellationRequested || passes == 0)
                                {
                                    AssertReadsEqual(engine, snapshot);
                                    passes++;
                                }
                            })).ToArray();
                            await engine.CompactAsync(Table);
                            stop.Cancel();
                            await Task.WhenAll(running);
                        }
                        // The compacted SSTables are closed and deleted: none of their chunks is left, only chunks of
                        // SSTables in the table's view now.
                        var (cache, live) = engine.ChunkCacheAndSSTables(Table);
                        if (cache is not null)
                            Assert.Subset(live.Select(s => s.DataFile.FileId).ToHashSet(), cache.FileIds().ToHashSet());
                        break;
                    default:
                        version++;
                        for (long id = 0; id < step.Partitions; id++)
                        for (long ck = 0; ck < step.Rows; ck++)
                        {
                            await engine.ApplyAsync(Write(id, ck, Value(id, ck, version), timestamp++));
                            model[(id, ck)] = Value(id, ck, version);
                        }
                        break;
                }
                AssertReadsEqual(engine, model);
                AssertReadsEqual(engine, model); // the second time from the cache when it fits
                if (engine.GetStats().ChunkCache is { } s) Assert.True(s.SizeBytes <= s.CapacityBytes, $"{s.SizeBytes} of {s.CapacityBytes} bytes");
            }
            Assert.Equal(cacheMiB > 0, engine.GetStats().ChunkCache is not null);
            if (cacheMiB > 0 && model.Count > 0) Assert.True(engine.GetStats().ChunkCache!.Hits > 0); // reads were served from it
        }, iter: 12, threads: 1);
    }

    private static void AssertReadsEqual(StorageEngine engine, Dictionary<(long Id, long Ck), byte[]> model)
    {
        foreach (var partition in model.GroupBy(e => e.Key.Id))
        {
            var expected = partition.OrderBy(e => e.Key.Ck).ToList();
            var rows = engine.Read(SliceQuery.WholePartition(Table, Pk(partition.Key))).Rows;
            Assert.Equal(expected.Count, rows.Count);
            for (int i = 0; i < rows.Count; i++)
            {
                Assert.Equal(expected[i].Key.Ck, CkValue(rows[i]));
                Assert.Equal(expected[i].Value, rows[i].Cells[0].Value);
            }
        }
    }

    /// <summary>
    /// Which reads fill the cache: range reads (whole and paged, pages resuming inside partitions), repair's validation
    /// scan and compaction use chunks that are cached but insert none; point reads and slices insert. Without the
    /// read-around (every read inserting) the first assertion fails.
    /// </summary>
    [Fact]
    public async Task Range_reads_repair_scans_and_compaction_insert_nothing_and_point_reads_do()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path) with { ChunkCacheSizeMiB = 16 }, [Schema]);
        long timestamp = 1;
        for (int flush = 0; flush < 2; flush++)
        {
            for (long id = 0; id < 20; id++)
            for (long ck = 0; ck < 40; ck++)
                await engine.ApplyAsync(Write(id, ck, Value(id, ck, flush), timestamp++));
            await engine.FlushAsync();
        }
        var (cache, live) = engine.ChunkCacheAndSSTables(Table);
        Assert.NotNull(cache);
        Assert.Equal(2, live.Length);

        void AssertNothingInserted(string what)
        {
            Assert.True(cache.Count == 0 && cache.SizeBytes == 0, $"{what} inserted {cache.Count} chunks ({cache.SizeBytes} bytes)");
        }

        Assert.Equal(20, engine.ReadTokenRange(Table, Token.Minimum, Token.Minimum).Count);
        AssertNothingInserted("a whole-ring range read");
        int pages = 0;
        for (var after = RangePosition.AfterToken(Token.Minimum); after is not null; pages++)
        {
            // Small pages: most end inside a partition, so the next one resumes it with a clustering slice.
            var page = engine.ReadTokenRangePage(Table, after, Token.Maximum, maxRows: 7, maxBytes: 1L << 20);
            after = page.Resume;
        }
        Assert.True(pages > 100, $"{pages} pages");
        AssertNothingInserted("paged range reads");
        var (_, entries) = RepairScan.BuildTree(engine, Table, long.MinValue, long.MaxValue, depth: 4, nowSeconds: 0);
        Assert.Equal(20 * 40, entries);
        AssertNothingInserted("repair's validation scan");
        await engine.CompactAsync(Table);
        Assert.Single(engine.ChunkCacheAndSSTables(Table).SSTables);
        AssertNothingInserted("a major compaction");

        // Point reads and slices insert, and read again they are served from the cache.
        var row = engine.ReadRow(Table, Pk(3), Ck(17));
        Assert.NotNull(row);
        Assert.Equal(Value(3, 17, 1), row.Cells[0].Value);
        Assert.InRange(cache.Count, 1, 4);
        Assert.Equal(40, engine.Read(SliceQuery.WholePartition(Table, Pk(5))).Rows.Count);
        int afterReads = cache.Count;
        long misses = cache.Misses;
        Assert.NotNull(engine.ReadRow(Table, Pk(3), Ck(17)));
        Assert.Equal(40, engine.Read(SliceQuery.WholePartition(Table, Pk(5))).Rows.Count);
        Assert.Equal(misses, cache.Misses);
        Assert.Equal(afterReads, cache.Count);

        // A scan now uses the cached chunks (hits) and still inserts none.
        long hits = cache.Hits;
        Assert.Equal(20, engine.ReadTokenRange(Table, Token.Minimum, Token.Minimum).Count);
        Assert.True(cache.Hits > hits);
        Assert.Equal(afterReads, cache.Count);
    }

    [Fact]
    public void A_negative_cache_size_is_refused()
    {
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentOutOfRangeException>(() => StorageEngine.Open(Options(dir.Path) with { ChunkCacheSizeMiB = -1 }, [Schema]));
    }
}

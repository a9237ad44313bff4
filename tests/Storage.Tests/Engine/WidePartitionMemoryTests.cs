using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// A partition far larger than the memory bound (~225 MB of rows, flushed to several SSTables, the last rows still in
/// the memtable) is read page by page and counted page by page (as the node's COUNT(*) does): the managed heap,
/// sampled every millisecond on another thread, must not grow by more than a bound well below the partition's size.
/// The heap is the process's, so this runs with no other test in parallel.
/// </summary>
[Collection(MemoryMeasurementCollection.Name)]
public sealed class WidePartitionMemoryTests
{
    private const int Rows = 220_000;
    private const int ValueBytes = 1024;
    private const long BoundBytes = 96L << 20;

    [Fact]
    public async Task Paged_read_and_count_of_a_225_MB_partition_stay_within_a_memory_bound()
    {
        using var dir = new TempDirectory();
        // No chunk cache: this bounds what a read itself holds. The cache is managed memory bounded on its own (256 MiB
        // by default, more than this partition; ChunkCacheTests), and a scan through it also leaves a chunk of garbage
        // per miss (106 MiB of growth with a 16 MiB cache here, over the 96 MiB bound).
        await using var engine = StorageEngine.Open(Options(dir.Path) with { ChunkCacheSizeMiB = 0 }, [TimeSeries()]);
        var value = new byte[ValueBytes];
        for (int start = 0; start < Rows; start += 500)
        {
            var rows = Enumerable.Range(start, Math.Min(500, Rows - start)).Select(i => ValueRow(i, value, 1 + i)).ToArray();
            await engine.ApplyAsync(PartitionUpdate.OfRows(Table, Pk(1), rows));
            if (start == Rows - 20_000) await engine.FlushAsync();
        }
        Assert.True(engine.GetStats().Tables.Single().SSTableCount >= 2);

        long Paged(bool keepValues)
        {
            long rows = 0, bytes = 0, previous = -1;
            byte[]? after = null;
            do
            {
                var page = engine.Read(new SliceQuery(Table, Pk(1), ClusteringSlice.All, Limit: 5_000, PagingState: after));
                foreach (var row in page.Rows)
                {
                    long ck = CkValue(row);
                    Assert.Equal(previous + 1, ck);
                    previous = ck;
                    if (keepValues) bytes += row.Cells[0].Value!.Length;
                }
                rows += page.Rows.Count;
                after = page.PagingState;
            }
            while (after is not null);
            if (keepValues) Assert.Equal((long)Rows * ValueBytes, bytes);
            return rows;
        }

        var (count, paged, growth) = MeasurePeakHeapGrowth(() => (Paged(keepValues: false), Paged(keepValues: true)));
        Assert.Equal(Rows, count);
        Assert.Equal(Rows, paged);
        Assert.True(growth < BoundBytes, $"managed heap grew by {growth >> 20} MiB reading a {(long)Rows * ValueBytes >> 20} MiB partition");
    }

    private static (long, long, long) MeasurePeakHeapGrowth(Func<(long, long)> read)
    {
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        bool stop = false;
        var sampler = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                long now = GC.GetTotalMemory(forceFullCollection: false);
                if (now > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, now);
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        sampler.Start();
        try
        {
            var (a, b) = read();
            return (a, b, Math.Max(Interlocked.Read(ref peak), GC.GetTotalMemory(false)) - baseline);
        }
        finally
        {
            Volatile.Write(ref stop, true);
            sampler.Join();
        }
    }
}

/// <summary>Tests that measure the process's managed heap: never run in parallel with other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "memory measurement";
}

using Microsoft.Extensions.Logging;
using RingStore.Core.Data;
using RingStore.Storage.Engine;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;
using RingStore.Storage.Tests.Hints;
using Xunit.Abstractions;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// Compaction of one partition far larger than the memory it may use: rows must stream from the input SSTables
/// through the merge and purge into the writer. Loading the partition (as a former <c>rows.ToList()</c> did) costs
/// about 1.6x its size on the heap.
/// </summary>
[Collection(HeapMeasurementCollection.Name)]
public class EngineWidePartitionCompactionTests(ITestOutputHelper output)
{
    private const int InputSSTables = 3;
    private const int RowsPerSSTable = 480_000;
    private const int ValueBytes = 200;
    private const long HeapGrowthBound = 256L << 20;

    [Fact]
    public async Task Compacting_a_330_MB_partition_keeps_heap_growth_under_256_MiB_and_warns_of_its_size()
    {
        using var dir = new TempDirectory();
        var schema = UncompressedTimeSeries(); // the partition must be 330 MB on disk: its zero-filled values would compress to nothing
        string tableDir = Path.Combine(dir.Path, "data", "ks", $"series-{schema.Id:N}");
        // Three SSTables of the same partition, rows interleaved so the merge takes from all of them in turn.
        for (int s = 0; s < InputSSTables; s++) WriteInput(tableDir, generation: s + 1, offset: s);
        long inputBytes = Directory.GetFiles(tableDir, "*-Data.db").Sum(f => new FileInfo(f).Length);
        Assert.True(inputBytes > 300L << 20, $"inputs hold {inputBytes} bytes");

        using var logs = new ListLoggerFactory();
        await using var engine = StorageEngine.Open(Options(dir.Path), [schema], logs);
        Assert.Equal(InputSSTables, engine.GetStats().Tables[0].SSTableCount);

        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                stop.Token.WaitHandle.WaitOne(5);
            }
        }, TaskCreationOptions.LongRunning);
        try
        {
            await engine.CompactAsync();
        }
        finally
        {
            await stop.CancelAsync();
            await sampler;
        }
        peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));

        long growth = peak - baseline;
        output.WriteLine($"compacted {inputBytes >> 20} MiB of one partition; heap peak {peak >> 20} MiB, baseline {baseline >> 20} MiB, growth {growth >> 20} MiB");
        Assert.True(growth < HeapGrowthBound, $"heap grew by {growth >> 20} MiB compacting {inputBytes >> 20} MiB");

        var stats = engine.GetStats().Tables[0];
        Assert.Equal(1, stats.SSTableCount);
        Assert.True(stats.DiskBytes > 300L << 20);
        Assert.Equal(1, stats.LargePartitionsCompacted);
        Assert.True(logs.Logger.Has(LogLevel.Warning, "ks.series (1, b)"), string.Join('\n', logs.Logger.Records));
        // First, middle and last rows survived, each from its own input.
        foreach (long ck in (long[])[0, 1, 2, (RowsPerSSTable / 2 * InputSSTables) + 1, ((RowsPerSSTable - 1) * InputSSTables) + 2])
            Assert.NotNull(engine.ReadRow(Table, Pk(1), Ck(ck)));
    }

    private static void WriteInput(string tableDir, long generation, int offset)
    {
        using var writer = SSTableWriter.Create(PhysicalFileSystem.Instance, tableDir, generation);
        var value = new byte[ValueBytes];
        writer.AppendPartition(Pk(1), DeletionTime.Live, [], Rows());
        writer.Finish().Dispose();

        IEnumerable<Row> Rows()
        {
            for (int i = 0; i < RowsPerSSTable; i++)
            {
                long ck = ((long)i * InputSSTables) + offset;
                value[0] = (byte)ck;
                yield return ValueRow(ck, value, timestamp: ck + 1);
            }
        }
    }
}

/// <summary>
/// Tests that measure the process's heap run alone, after every parallel test: another test's allocations would
/// count as theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasurementCollection
{
    public const string Name = "Heap measurement (runs alone)";
}

using RingStore.Core.Data;
using RingStore.Storage.Compaction;

namespace RingStore.Storage.Tests.Streaming;

/// <summary>The purge hook compaction uses to tell whether its output depended on the SSTables outside it.</summary>
public sealed class PurgeObservationTests
{
    [Fact]
    public void Purge_reports_a_purged_tombstone_and_stays_silent_when_nothing_may_be_purged()
    {
        var key = new byte[] { 1 };
        var token = RingStore.Core.Partitioning.Murmur3Partitioner.GetToken(key);
        var deletion = new DeletionTime(1_000, 100);
        var partition = new RingStore.Core.Reads.MergedPartition(key, token, deletion, [], []);
        int purged = 0;
        _ = TombstonePurger.Purge(partition, nowSeconds: 1_000_000, gcBeforeSeconds: 200, maxPurgeableTimestampMicros: long.MaxValue, () => purged++);
        Assert.Equal(1, purged);
        purged = 0;
        // Data outside the compaction as old as the tombstone: nothing may go, and nothing is reported.
        _ = TombstonePurger.Purge(partition, nowSeconds: 1_000_000, gcBeforeSeconds: 200, maxPurgeableTimestampMicros: 1_000, () => purged++);
        Assert.Equal(0, purged);
    }
}

/// <summary>
/// Streamed (old) data that lands while a compaction purges the tombstone that shadows it must stay shadowed: the
/// compaction chose what to purge before the import existed, so it is discarded (its inputs, tombstone included, stay).
/// </summary>
public sealed class ImportDuringCompactionTests
{
    [Fact]
    public async Task Old_data_imported_during_a_purging_compaction_does_not_come_back()
    {
        var time = StreamTestKit.Clock();
        using var dir = new TempDirectory();
        var options = new RingStore.Storage.Engine.StorageEngineOptions
        {
            DataDirectory = dir.Path,
            BackgroundCompaction = false,
            // ~20 KiB/s on the engine's virtual clock: the compaction below waits until the test advances time.
            CompactionThroughputMiBPerSecond = 0.02,
        };
        await using var engine = RingStore.Storage.Engine.StorageEngine.Open(options, [StreamTestKit.Schema(gcGrace: 0)], time: time);
        int now = (int)time.GetUtcNow().ToUnixTimeSeconds();
        // Partition 1 deleted at ts 2000; filler partitions make the compaction slow.
        await engine.ApplyAsync(PartitionUpdate.DeletePartition(StreamTestKit.Table, StreamTestKit.Pk(1), new DeletionTime(2000, now)));
        for (int pk = 100; pk < 180; pk++)
            await engine.ApplyAsync(PartitionUpdate.OfRows(StreamTestKit.Table, StreamTestKit.Pk(pk),
                new Row(StreamTestKit.Ck(0), LivenessInfo.At(3000), DeletionTime.Live, [Cell.Live(0, 3000, new byte[1000])])));
        await engine.FlushAsync(StreamTestKit.Table);
        time.Advance(TimeSpan.FromSeconds(10)); // past gc_grace (0): the partition tombstone is purgeable
        var before = StreamTestKit.Generations(dir.Path);

        var compaction = Task.Run(() => engine.CompactAsync(StreamTestKit.Table));
        // Wait until the compaction writes its output, so the import lands while it runs.
        string tableDir = StreamTestKit.TableDirectory(dir.Path);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Directory.EnumerateFiles(tableDir, "*Data.db.tmp").Any())
        {
            Assert.True(DateTime.UtcNow < deadline, "the compaction did not start writing");
            Assert.False(compaction.IsCompleted, "the compaction ended before the import could land");
            await Task.Delay(10);
        }
        // A streamed row of partition 1, older than the deletion.
        var streamed = new RingStore.Core.Reads.MergedPartitionData(StreamTestKit.Pk(1), StreamTestKit.TokenOf(1), DeletionTime.Live, [],
            [new Row(StreamTestKit.Ck(5), LivenessInfo.At(1000), DeletionTime.Live, [Cell.Live(0, 1000, [42])])]);
        await engine.ImportAsync(StreamTestKit.Table, [streamed]);
        Assert.False(compaction.IsCompleted, "the import must land while the compaction runs");
        await FinishOnVirtualTime(compaction, time);

        var read = engine.Read(RingStore.Core.Reads.SliceQuery.WholePartition(StreamTestKit.Table, StreamTestKit.Pk(1)));
        Assert.Empty(read.Rows);
        // And once a compaction sees the import among its inputs, the row and its tombstone go together.
        await FinishOnVirtualTime(Task.Run(() => engine.CompactAsync(StreamTestKit.Table)), time);
        Assert.Empty(engine.Read(RingStore.Core.Reads.SliceQuery.WholePartition(StreamTestKit.Table, StreamTestKit.Pk(1))).Rows);
        Assert.NotEmpty(before);
    }

    /// <summary>The throttle sleeps on the engine's virtual clock: move it on until the compaction is done.</summary>
    private static async Task FinishOnVirtualTime(Task compaction, Microsoft.Extensions.Time.Testing.FakeTimeProvider time)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!compaction.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the compaction did not finish");
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }
        await compaction;
    }
}

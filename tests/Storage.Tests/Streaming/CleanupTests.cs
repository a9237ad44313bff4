using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;
using static RingStore.Storage.Tests.Streaming.StreamTestKit;

namespace RingStore.Storage.Tests.Streaming;

/// <summary>
/// <see cref="StorageEngine.CleanupAsync"/>: partitions whose token is not kept are gone from reads, also after a
/// restart and a further compaction; kept partitions read exactly as before; SSTables holding only kept partitions
/// keep their files; writes running alongside are not lost.
/// </summary>
public class CleanupTests
{
    private const int Partitions = 40;

    [Fact]
    public void Cleanup_drops_exactly_the_partitions_not_kept_and_they_stay_gone()
    {
        Gen.Select(GenOp(Partitions).Array[10, 250], Gen.Long, Gen.Long).Sample((ops, x, y) =>
        {
            var (lo, hi) = (Math.Min(x, y), Math.Max(x, y));
            bool Keep(Token t) => t.Value > lo && t.Value <= hi;
            var time = Clock();
            using var dir = new TempDirectory();
            var engine = Open(dir.Path, time);
            try
            {
                ApplyAsync(engine, ops, time).GetAwaiter().GetResult();
                var before = ReadAll(engine);
                string expected = Render(before.Where(p => Keep(p.Token)).Select(Normalize));
                var result = engine.CleanupAsync(Table, Keep).GetAwaiter().GetResult();
                // Counted per SSTable: a partition spread over several SSTables counts once for each.
                Assert.True(result.PartitionsDropped >= before.Count(p => !Keep(p.Token)));
                Assert.Equal(expected, Render(ReadAll(engine).Select(Normalize)));
                for (int pk = 0; pk < Partitions; pk++)
                    if (!Keep(TokenOf(pk))) Assert.Null(engine.ReadUnfiltered(SliceQuery.WholePartition(Table, Pk(pk))));
                engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
                engine = Open(dir.Path, time);
                Assert.Equal(expected, Render(ReadAll(engine).Select(Normalize)));
                engine.CompactAsync(Table).GetAwaiter().GetResult();
                Assert.Equal(expected, Render(ReadAll(engine).Select(Normalize)));
                engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
                engine = Open(dir.Path, time);
                Assert.Equal(expected, Render(ReadAll(engine).Select(Normalize)));
            }
            finally
            {
                engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }, iter: 15, threads: 1);
    }

    /// <summary>
    /// The form compaction writes a partition in: a range tombstone no newer than the partition deletion adds nothing
    /// and is dropped (cleanup rewrites through compaction; a merged read of the original SSTables still lists it).
    /// Seed dFAabx8_Na34 found the difference.
    /// </summary>
    private static MergedPartitionData Normalize(MergedPartitionData p) => p with
    {
        RangeTombstones = [.. p.RangeTombstones.Where(rt => p.PartitionDeletion.IsLive
            || rt.Deletion.MarkedForDeleteAtMicros > p.PartitionDeletion.MarkedForDeleteAtMicros).Distinct()],
    };

    private static PartitionUpdate Row(int pk, int ck, long ts) =>
        PartitionUpdate.OfRows(Table, Pk(pk), new Row(Ck(ck), LivenessInfo.At(ts), DeletionTime.Live, [Cell.Live(0, ts, new byte[50])]));

    [Fact]
    public async Task SSTables_holding_only_kept_partitions_are_not_rewritten()
    {
        var time = Clock();
        using var dir = new TempDirectory();
        await using var engine = Open(dir.Path, time);
        var positive = Enumerable.Range(0, 200).Where(pk => TokenOf(pk).Value > 0).Take(20).ToArray();
        var negative = Enumerable.Range(0, 200).Where(pk => TokenOf(pk).Value <= 0).Take(20).ToArray();
        bool Keep(Token t) => t.Value > 0;
        foreach (int pk in positive) await engine.ApplyAsync(Row(pk, 1, 10));
        await engine.FlushAsync(Table);
        var untouched = Generations(dir.Path);
        Assert.Single(untouched);
        foreach (int pk in positive.Take(5).Concat(negative)) await engine.ApplyAsync(Row(pk, 2, 20));
        await engine.FlushAsync(Table);
        var mixed = Generations(dir.Path).Except(untouched).Single();
        // One more in the memtable only: cleanup flushes it first, then rewrites that flush too.
        await engine.ApplyAsync(Row(negative[0], 3, 30));
        await engine.ApplyAsync(Row(positive[0], 3, 30));

        var result = await engine.CleanupAsync(Table, Keep);
        Assert.Equal(2, result.SSTablesRewritten);
        Assert.Equal(negative.Length + 1, result.PartitionsDropped);
        Assert.True(result.BytesAfter < result.BytesBefore);
        var after = Generations(dir.Path);
        Assert.Contains(untouched.Single(), after);
        Assert.DoesNotContain(mixed, after);
        Assert.Equal(3, after.Count);
        Assert.All(ReadAll(engine), p => Assert.True(Keep(p.Token)));
        Assert.Equal(3, engine.Read(SliceQuery.WholePartition(Table, Pk(positive[0]))).Rows.Count);

        // Nothing left to drop: a second cleanup rewrites nothing.
        var again = await engine.CleanupAsync(Table, Keep);
        Assert.Equal(new CleanupResult(0, 0, 0, 0), again);
        Assert.Equal(after, Generations(dir.Path));
    }

    [Fact]
    public async Task Cleanup_alongside_writes_flushes_and_background_compactions_loses_no_write()
    {
        var time = TimeProvider.System;
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(new StorageEngineOptions
        {
            DataDirectory = dir.Path,
            BackgroundCompaction = true,
            MemtableFlushThresholdBytes = 64 << 10,
        }, [Schema()], time: time);
        var kept = Enumerable.Range(0, 400).Where(pk => TokenOf(pk).Value > 0).Take(30).ToArray();
        var dropped = Enumerable.Range(0, 400).Where(pk => TokenOf(pk).Value <= 0).Take(30).ToArray();
        foreach (int pk in kept.Concat(dropped))
            for (int ck = 0; ck < 20; ck++) await engine.ApplyAsync(Row(pk, ck, 1));
        await engine.FlushAsync(Table);

        using var stop = new CancellationTokenSource();
        int written = 0;
        var writer = Task.Run(async () =>
        {
            int i = 0;
            while (!stop.IsCancellationRequested)
            {
                await engine.ApplyAsync(Row(kept[i % kept.Length], 100 + (i / kept.Length), 2));
                written = ++i;
                if (i % 200 == 0) await engine.FlushAsync(Table);
            }
        });
        var flusherAndReader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                _ = ReadAll(engine);
                await Task.Delay(5);
            }
        });
        for (int round = 0; round < 3; round++)
        {
            await engine.CleanupAsync(Table, t => t.Value > 0);
            await Task.Delay(50);
        }
        await stop.CancelAsync();
        await Task.WhenAll(writer, flusherAndReader);
        Assert.True(written > 0);

        for (int i = 0; i < written; i++)
            Assert.NotNull(engine.ReadRow(Table, Pk(kept[i % kept.Length]), Ck(100 + (i / kept.Length))));
        foreach (int pk in kept)
            Assert.Equal(20, engine.Read(SliceQuery.WholePartition(Table, Pk(pk)) with { Limit = 20 }).Rows.Count);
        foreach (int pk in dropped)
            Assert.Null(engine.ReadUnfiltered(SliceQuery.WholePartition(Table, Pk(pk))));
    }
}

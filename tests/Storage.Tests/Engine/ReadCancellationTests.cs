using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;
using RingStore.Storage.Reads;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// The engine's read loops observe a cancellation token (a replica request that expired): a row loop stops within
/// <see cref="ReadProgress.CheckInterval"/> rows of the token firing, and the rows it pulled are counted as it goes.
/// </summary>
public sealed class ReadCancellationTests
{
    private static IEnumerable<Row> Rows(int count)
    {
        for (int i = 0; i < count; i++) yield return new Row(BitConverter.GetBytes(i), LivenessInfo.At(1), DeletionTime.Live, []);
    }

    [Fact]
    public void A_row_loop_stops_within_one_check_interval_of_the_token_firing_and_counts_what_it_pulled()
    {
        using var cts = new CancellationTokenSource();
        long recorded = 0;
        var progress = new ReadProgress(cts.Token, n => recorded += n);
        int pulled = 0;
        var stopped = Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var _ in progress.Observe(Rows(100_000)))
            {
                if (++pulled == 1_000) cts.Cancel();
            }
        });
        Assert.InRange(pulled, 1_000, 1_000 + ReadProgress.CheckInterval);
        progress.Flush();
        // Counted: every row handed out, and the one in hand when the fired token was seen (read, not handed out).
        Assert.Equal(pulled + 1, recorded);
    }

    [Fact]
    public void An_uncancelled_loop_reads_everything_and_counts_every_row()
    {
        long recorded = 0;
        var progress = new ReadProgress(CancellationToken.None, n => recorded += n);
        Assert.Equal(1_000, progress.Observe(Rows(1_000)).Count());
        progress.Flush();
        Assert.Equal(1_000, recorded);
    }

    [Fact]
    public async Task Partition_reads_multi_slice_reads_and_range_pages_stop_on_a_fired_token()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(EngineTestKit.Options(dir.Path), [EngineTestKit.TimeSeries()]);
        var value = new byte[] { 1 };
        await engine.ApplyAsync(PartitionUpdate.OfRows(EngineTestKit.Table, EngineTestKit.Pk(1),
            [.. Enumerable.Range(0, 500).Select(ck => EngineTestKit.ValueRow(ck, value, 1))]));
        var metrics = engine.MetricsOf(EngineTestKit.Table);
        using var fired = new CancellationTokenSource();
        await fired.CancelAsync();

        var whole = new SliceQuery(EngineTestKit.Table, EngineTestKit.Pk(1), ClusteringSlice.All);
        var inValues = SliceQuery.MultiSlice(EngineTestKit.Table, EngineTestKit.Pk(1),
            [.. Enumerable.Range(0, 200).Select(ck => ClusteringSlice.Exactly(EngineTestKit.Ck(ck * 2)))]);
        Assert.ThrowsAny<OperationCanceledException>(() => engine.ReadUnfiltered(whole, long.MaxValue, out _, ct: fired.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => engine.ReadUnfiltered(inValues, long.MaxValue, out _, ct: fired.Token));
        Assert.Equal(0, metrics.PartitionRowsRead);
        Assert.ThrowsAny<OperationCanceledException>(() => engine.ReadTokenRangePage(EngineTestKit.Table,
            RangePosition.AfterToken(new Token(long.MinValue)), new Token(long.MaxValue), 1_000, long.MaxValue, ct: fired.Token));
        Assert.Equal(0, metrics.RangeRowsRead);

        // The same reads without a fired token read every row, counted.
        Assert.Equal(500, engine.ReadUnfiltered(whole, long.MaxValue, out _)!.Rows.Count);
        Assert.Equal(200, engine.ReadUnfiltered(inValues, long.MaxValue, out _)!.Rows.Count);
        Assert.Equal(700, metrics.PartitionRowsRead);
        Assert.Equal(500, engine.ReadTokenRangePage(EngineTestKit.Table, RangePosition.AfterToken(new Token(long.MinValue)),
            new Token(long.MaxValue), 1_000, long.MaxValue).Partitions.Sum(p => p.Rows.Count));
        Assert.Equal(500, metrics.RangeRowsRead);
    }
}

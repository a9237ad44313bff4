using CsCheck;
using RingStore.Storage.Compaction;

namespace RingStore.Storage.Tests.Compaction;

/// <summary>The compaction backlog estimate the controller is driven by.</summary>
public sealed class CompactionBacklogTests
{
    private static SSTableInfo Sst(long generation, long size, long maxTimestampMicros = 0) => new(generation, size, 0, maxTimestampMicros);

    [Fact]
    public void One_sstable_has_no_backlog_and_n_equal_ones_have_n_times_log_n_of_it()
    {
        Assert.Equal(0, CompactionBacklog.SizeTiered([], 4));
        Assert.Equal(0, CompactionBacklog.SizeTiered([Sst(1, 1000)], 4));
        Assert.Equal(4000, CompactionBacklog.SizeTiered([Sst(1, 1000), Sst(2, 1000), Sst(3, 1000), Sst(4, 1000)], 4));
        Assert.InRange(CompactionBacklog.SizeTiered(Enumerable.Range(1, 16).Select(g => Sst(g, 2000)).ToArray(), 4), 63_999, 64_000); // 16 x 2000 x log4(16)
    }

    [Fact]
    public void A_flush_never_lowers_the_backlog()
    {
        Gen.Select(Gen.Long[1, 1L << 36].Array[0, 40], Gen.Long[1, 1L << 36], Gen.Int[2, 32]).Sample((sizes, added, fanIn) =>
        {
            var before = sizes.Select((s, i) => Sst(i, s)).ToArray();
            var after = before.Append(Sst(sizes.Length, added)).ToArray();
            Assert.True(CompactionBacklog.SizeTiered(after, fanIn) >= CompactionBacklog.SizeTiered(before, fanIn));
        });
    }

    [Fact]
    public void Time_window_backlog_is_the_newest_window_size_tiered_plus_older_windows_not_yet_one_sstable()
    {
        var window = TimeSpan.FromSeconds(10);
        long W(int w) => (long)(w * window.TotalMicroseconds) + 1;
        Assert.Equal(0, CompactionBacklog.TimeWindow([Sst(1, 500, W(0)), Sst(2, 700, W(1)), Sst(3, 900, W(2))], window, 4));
        Assert.Equal(1200, CompactionBacklog.TimeWindow([Sst(1, 500, W(0)), Sst(2, 700, W(0)), Sst(3, 900, W(2))], window, 4));
        Assert.Equal(1200 + 4000, CompactionBacklog.TimeWindow(
            [Sst(1, 500, W(0)), Sst(2, 700, W(0)), Sst(3, 1000, W(2)), Sst(4, 1000, W(2)), Sst(5, 1000, W(2)), Sst(6, 1000, W(2))], window, 4));
    }
}

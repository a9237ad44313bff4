using RingStore.Storage.Compaction;

namespace RingStore.Storage.Tests.Compaction;

public class CompactionPickerTests
{
    private const long MiB = 1 << 20;

    private static SSTableInfo T(long gen, long sizeMiB, long maxTsSeconds = 0) =>
        new(gen, sizeMiB * MiB, 0, maxTsSeconds * 1_000_000);

    [Fact]
    public void Size_tiered_waits_for_min_threshold_similar_tables()
    {
        Assert.Empty(SizeTieredPicker.Pick([T(1, 100), T(2, 110), T(3, 95)], 4, 32));
        var picked = SizeTieredPicker.Pick([T(1, 100), T(2, 110), T(3, 95), T(4, 105), T(5, 1000)], 4, 32);
        Assert.Equal([1, 2, 3, 4], picked.Select(s => s.Generation).Order());
    }

    [Fact]
    public void Size_tiered_prefers_the_bucket_of_smallest_tables_and_caps_at_max_threshold()
    {
        var tables = Enumerable.Range(1, 6).Select(i => T(i, 200)).Concat(Enumerable.Range(10, 6).Select(i => T(i, 1))).ToArray();
        var picked = SizeTieredPicker.Pick(tables, 4, 5);
        Assert.Equal(5, picked.Count);
        Assert.All(picked, s => Assert.True(s.Generation >= 10));
        Assert.Equal(2, SizeTieredPicker.PendingCount(tables, 4));
    }

    [Fact]
    public void Size_tiered_does_not_mix_very_different_sizes()
    {
        Assert.Empty(SizeTieredPicker.Pick([T(1, 60), T(2, 600), T(3, 6000), T(4, 60000)], 2, 32));
    }

    [Fact]
    public void Time_window_compacts_an_old_window_down_to_one_and_leaves_single_windows_alone()
    {
        var day = TimeSpan.FromDays(1);
        long d = 86_400;
        // Newest window (day 10) has one table; day 5 has three; day 3 has one.
        var tables = new[] { T(1, 10, 3 * d + 5), T(2, 10, 5 * d + 1), T(3, 10, 5 * d + 2), T(4, 10, 5 * d + 3), T(5, 10, 10 * d) };
        var picked = TimeWindowPicker.Pick(tables, day, 4, 32);
        Assert.Equal([2, 3, 4], picked.Select(s => s.Generation).Order());
        Assert.Equal(1, TimeWindowPicker.PendingCount(tables, day, 4));

        var afterwards = new[] { T(1, 10, 3 * d + 5), T(6, 30, 5 * d + 3), T(5, 10, 10 * d) };
        Assert.Empty(TimeWindowPicker.Pick(afterwards, day, 4, 32));
    }

    [Fact]
    public void Time_window_uses_size_tiering_inside_the_newest_window()
    {
        var day = TimeSpan.FromDays(1);
        var tables = Enumerable.Range(1, 4).Select(i => T(i, 5, 10 * 86_400 + i)).ToArray();
        Assert.Equal(4, TimeWindowPicker.Pick(tables, day, 4, 32).Count);
        Assert.Empty(TimeWindowPicker.Pick(tables.Take(3).ToArray(), day, 4, 32));
    }
}

using CsCheck;
using RingStore.Core.Serialization;
using RingStore.Storage.Compaction;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Tests.Compaction;

/// <summary>The pure pickers for fully expired SSTables and single-SSTable tombstone compactions, and their histogram.</summary>
public class ExpiryAndTombstonePickerTests
{
    private static SSTableInfo S(long gen, long minTs, long maxTs, int maxLdt, long minToken = long.MinValue, long maxToken = long.MaxValue) =>
        new(gen, 1 << 20, minTs, maxTs) { MaxLocalDeletionTimeSeconds = maxLdt, MinToken = minToken, MaxToken = maxToken };

    [Fact]
    public void An_expired_sstable_with_nothing_older_overlapping_is_dropped_even_alone_in_its_window()
    {
        Assert.Equal([1], FullyExpiredPicker.Pick([S(1, 10, 20, maxLdt: 100)], long.MaxValue, gcBeforeSeconds: 101).Select(s => s.Generation));
        Assert.Empty(FullyExpiredPicker.Pick([S(1, 10, 20, maxLdt: 100)], long.MaxValue, gcBeforeSeconds: 100));
        Assert.Empty(FullyExpiredPicker.Pick([S(1, 10, 20, maxLdt: int.MaxValue)], long.MaxValue, gcBeforeSeconds: int.MaxValue));
    }

    [Fact]
    public void An_expired_sstable_that_may_shadow_older_data_stays()
    {
        // Generation 2 (a tombstone at 20) may shadow generation 1's data written at 10.
        var ssts = new[] { S(1, 10, 15, int.MaxValue), S(2, 20, 20, maxLdt: 50) };
        Assert.Empty(FullyExpiredPicker.Pick(ssts, long.MaxValue, 100));
        // Not when their token ranges do not meet.
        var apart = new[] { S(1, 10, 15, int.MaxValue, 0, 10), S(2, 20, 20, 50, 11, 20) };
        Assert.Equal([2], FullyExpiredPicker.Pick(apart, long.MaxValue, 100).Select(s => s.Generation));
        // A memtable with older writes counts as overlapping everything.
        Assert.Empty(FullyExpiredPicker.Pick(apart, memtableMinTimestampMicros: 19, 100));
        // Two expired SSTables, both dropped: the one shadowed goes too.
        var both = new[] { S(1, 10, 15, 40), S(2, 20, 20, 50), S(3, 30, 40, int.MaxValue) };
        Assert.Equal([1, 2], FullyExpiredPicker.Pick(both, long.MaxValue, 100).Select(s => s.Generation).Order());
    }

    [Fact]
    public void Every_dropped_sstable_is_expired_and_older_than_everything_overlapping_that_stays()
    {
        var genInfo = Gen.Select(Gen.Long[0, 100], Gen.Long[0, 50], Gen.Int[0, 200], Gen.Long[-50, 50], Gen.Long[0, 60], Gen.Bool)
            .Select((minTs, span, ldt, minTok, tokSpan, corrupt) => (minTs, span, ldt, minTok, tokSpan, corrupt));
        Gen.Select(genInfo.Array[0, 12], Gen.Long[0, 200], Gen.Int[0, 220]).Sample((raw, memMin, gcBefore) =>
        {
            var ssts = raw.Select((r, i) => S(i, r.minTs, r.minTs + r.span, r.ldt > 180 ? int.MaxValue : r.ldt, r.minTok, r.minTok + r.tokSpan)
                with { Compactable = !r.corrupt }).ToArray();
            var dropped = FullyExpiredPicker.Pick(ssts, memMin, gcBefore).Select(s => s.Generation).ToHashSet();
            foreach (var d in ssts.Where(s => dropped.Contains(s.Generation)))
            {
                Assert.True(d.Compactable && d.MaxLocalDeletionTimeSeconds < gcBefore);
                Assert.True(d.MaxTimestampMicros < memMin);
                foreach (var other in ssts.Where(o => !dropped.Contains(o.Generation) && o.Overlaps(d)))
                    Assert.True(d.MaxTimestampMicros < other.MinTimestampMicros);
            }
        });
    }

    private static DeletionTimeHistogram Histogram(int tombstonesAt, int tombstones, int permanent)
    {
        var b = new DeletionTimeHistogram.Builder();
        for (int i = 0; i < tombstones; i++) b.Add(tombstonesAt);
        for (int i = 0; i < permanent; i++) b.AddPermanent();
        return b.Build();
    }

    private static SSTableInfo T(long gen, DeletionTimeHistogram h, long firstSeen = 0, long minTs = 100, long maxTs = 200) =>
        // Each generation its own token range: overlaps are the business of the next test.
        new(gen, 1 << 20, minTs, maxTs) { DeletionTimes = h, FirstSeenSeconds = firstSeen, MinToken = gen * 10, MaxToken = (gen * 10) + 5 };

    [Fact]
    public void Tombstone_compaction_picks_the_most_droppable_sstable_old_enough_with_nothing_older_overlapping()
    {
        var options = new TombstoneCompactionOptions { Threshold = 0.2, Interval = TimeSpan.FromSeconds(1000) };
        var heavy = T(1, Histogram(tombstonesAt: 500, tombstones: 50, permanent: 50));   // 50% droppable
        var light = T(2, Histogram(tombstonesAt: 500, tombstones: 10, permanent: 90));   // 10%
        var heavier = T(3, Histogram(tombstonesAt: 500, tombstones: 80, permanent: 20)); // 80%, but seen late
        Assert.Equal(1, TombstoneCompactionPicker.Pick([light, heavy, heavier with { FirstSeenSeconds = 1500 }], nowSeconds: 2000, gcBeforeSeconds: 1000, options)?.Generation);
        Assert.Equal(3, TombstoneCompactionPicker.Pick([light, heavy, heavier], 2000, 1000, options)?.Generation);
        // Not before the tombstones are past gc_grace, not below the threshold, not while too young.
        Assert.Null(TombstoneCompactionPicker.Pick([heavy], 2000, gcBeforeSeconds: 500, options));
        Assert.Null(TombstoneCompactionPicker.Pick([light], 2000, 1000, options));
        Assert.Null(TombstoneCompactionPicker.Pick([heavy], nowSeconds: 999, 1000, options));
        Assert.Null(TombstoneCompactionPicker.Pick([heavy], 2000, 1000, options with { Threshold = 0 }));
    }

    [Fact]
    public void Tombstone_compaction_skips_an_sstable_whose_tombstones_an_overlapping_older_sstable_would_keep()
    {
        var options = new TombstoneCompactionOptions { Interval = TimeSpan.Zero };
        var tombstones = T(1, Histogram(500, 50, 50), minTs: 100, maxTs: 200) with { MinToken = 0, MaxToken = 100 };
        var older = T(2, DeletionTimeHistogram.Empty, minTs: 50, maxTs: 60) with { MinToken = 0, MaxToken = 100 };
        Assert.Null(TombstoneCompactionPicker.Pick([tombstones, older], 2000, 1000, options));
        Assert.Equal(1, TombstoneCompactionPicker.Pick([tombstones, older], 2000, 1000, options with { Unchecked = true })?.Generation);
        // Nor when the older SSTable holds other tokens only.
        Assert.Equal(1, TombstoneCompactionPicker.Pick([tombstones with { MinToken = 10, MaxToken = 20 }, older with { MinToken = 0, MaxToken = 5 }], 2000, 1000, options)?.Generation);
        var newer = T(3, DeletionTimeHistogram.Empty, minTs: 300, maxTs: 400) with { MinToken = 0, MaxToken = 100 };
        Assert.Equal(1, TombstoneCompactionPicker.Pick([tombstones, newer], 2000, 1000, options)?.Generation);
    }

    [Fact]
    public void Histogram_never_overstates_what_is_droppable_stays_small_and_round_trips()
    {
        Gen.Select(Gen.Int[-1000, 100_000_000].Array[0, 400], Gen.Int[0, 50], Gen.Long[-2000, 100_001_000]).Sample((times, permanent, before) =>
        {
            var b = new DeletionTimeHistogram.Builder();
            foreach (int t in times) b.Add(t);
            for (int i = 0; i < permanent; i++) b.AddPermanent();
            var h = b.Build();
            long exact = times.Count(t => t < before);
            long estimate = h.CountBefore(before);
            Assert.InRange(estimate, exact - times.Count(t => t >= before - h.WidthSeconds && t < before), exact);
            Assert.Equal(times.Length + permanent, h.Total);
            Assert.Equal(times.Length, h.Count);

            var w = new BinaryWriterBuffer(64);
            h.Serialize(w);
            var r = new BinaryReaderSpan(w.WrittenSpan);
            var back = DeletionTimeHistogram.Deserialize(ref r);
            Assert.True(r.AtEnd);
            Assert.Equal(h.CountBefore(before), back.CountBefore(before));
            Assert.Equal(h.Total, back.Total);
            Assert.Equal(h.WidthSeconds, back.WidthSeconds);
        });
        var wide = new DeletionTimeHistogram.Builder();
        for (int t = 0; t < 10_000_000; t += 997) wide.Add(t);
        Assert.True(wide.Build().WidthSeconds > 60);
    }
}

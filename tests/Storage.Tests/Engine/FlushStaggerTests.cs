using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// Per-node flush stagger (issue 20): replicas with different seeds switch their memtables at different sizes, within
/// the configured fraction, and store exactly the same data as an engine without stagger.
/// </summary>
public sealed class FlushStaggerTests
{
    [Fact]
    public void Factors_stay_within_the_fraction_and_caps_are_never_raised()
    {
        Gen.Select(Gen.Long, Gen.Double[0, 0.99]).Sample((seed, f) =>
        {
            Assert.InRange(FlushStagger.ThresholdFactor(seed, f), 1 - f, 1 + f);
            Assert.InRange(FlushStagger.CapFactor(seed, f), 1 - f, 1);
            Assert.Equal(FlushStagger.Offset(seed), FlushStagger.Offset(seed));
        });
    }

    [Fact]
    public void Seeds_spread_over_the_whole_range()
    {
        var offsets = Enumerable.Range(0, 1000).Select(i => FlushStagger.Offset(i)).ToArray();
        Assert.True(offsets.Min() < -0.9 && offsets.Max() > 0.9, $"offsets from {offsets.Min()} to {offsets.Max()}");
        // Neighbouring seeds (host ids differ anywhere) land apart: consecutive seeds rarely give close offsets.
        int close = Enumerable.Range(0, 999).Count(i => Math.Abs(offsets[i] - offsets[i + 1]) < 0.02);
        Assert.True(close < 50, $"{close} of 999 neighbouring seeds within 0.02");
    }

    [Fact]
    public void Apply_scales_the_triggers_and_leaves_the_rest()
    {
        var plain = Options("/x") with { MemtableFlushThresholdBytes = 1000_000, CommitLogTotalSpaceBytes = 2000_000, MemtableCleanupFraction = 0.5 };
        Assert.Same(plain, FlushStagger.Apply(plain));
        var staggered = FlushStagger.Apply(plain with { FlushStaggerFraction = 0.2, FlushStaggerSeed = 7 });
        Assert.Equal((long)(1000_000 * FlushStagger.ThresholdFactor(7, 0.2)), staggered.MemtableFlushThresholdBytes);
        Assert.Equal((long)(2000_000 * FlushStagger.CapFactor(7, 0.2)), staggered.CommitLogTotalSpaceBytes);
        Assert.Equal(0.5 * FlushStagger.CapFactor(7, 0.2), staggered.MemtableCleanupFraction, 12);
        Assert.Equal(plain.MemtableSpaceBytes, staggered.MemtableSpaceBytes); // the writers' hard limit stays
        Assert.Equal(staggered, FlushStagger.Apply(staggered));
        Assert.Throws<ArgumentOutOfRangeException>(() => FlushStagger.Apply(plain with { FlushStaggerFraction = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => FlushStagger.Apply(plain with { FlushStaggerFraction = -0.1 }));
    }

    [Fact]
    public async Task Engines_with_different_seeds_switch_at_different_sizes_and_store_the_same_rows()
    {
        const long threshold = 256 << 10;
        const double fraction = 0.2;
        // Two seeds whose offsets are far apart (checked, so the test says what it relies on).
        const long seedA = 3, seedB = 6;
        Assert.True(Math.Abs(FlushStagger.Offset(seedA) - FlushStagger.Offset(seedB)) > 0.5,
            $"offsets {FlushStagger.Offset(seedA)} and {FlushStagger.Offset(seedB)}");

        var a = await WriteAndFlushAsync(threshold, fraction, seedA);
        var b = await WriteAndFlushAsync(threshold, fraction, seedB);
        var none = await WriteAndFlushAsync(threshold, 0, 0);

        // Each engine's first switch came at its own threshold (one write past it at most), and they differ.
        foreach (var (run, seed) in new[] { (a, seedA), (b, seedB) })
        {
            long expected = (long)(threshold * FlushStagger.ThresholdFactor(seed, fraction));
            Assert.Equal(expected, run.Threshold);
            Assert.InRange(run.FirstSwitchBytes, expected, expected + (4 << 10));
        }
        Assert.InRange(none.FirstSwitchBytes, threshold, threshold + (4 << 10));
        Assert.True(Math.Abs(a.FirstSwitchBytes - b.FirstSwitchBytes) > threshold * fraction / 2,
            $"switched at {a.FirstSwitchBytes} and {b.FirstSwitchBytes}");

        // What is stored does not depend on when the flushes happened.
        Assert.Equal(none.Rows, a.Rows);
        Assert.Equal(none.Rows, b.Rows);
    }

    private sealed record Run(long Threshold, long FirstSwitchBytes, int Switches, IReadOnlyList<string> Rows);

    private static async Task<Run> WriteAndFlushAsync(long threshold, double fraction, long seed)
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path) with
        {
            MemtableFlushThresholdBytes = threshold,
            FlushStaggerFraction = fraction,
            FlushStaggerSeed = seed,
            MaxFlushingMemtablesPerTable = 1000,
        }, [UncompressedTimeSeries()]);
        var random = new Random(20); // the same writes for every engine
        long firstSwitch = -1;
        int switches = 0;
        for (int i = 0; i < 3000; i++)
        {
            var value = new byte[random.Next(50, 400)];
            random.NextBytes(value);
            long sizeBefore = engine.GetStats().Tables.Single().MemtableBytes;
            int flushingBefore = engine.GetStats().Tables.Single().FlushingMemtables;
            await engine.ApplyAsync(Write(random.Next(20), random.Next(500), value, timestamp: i + 1));
            var t = engine.GetStats().Tables.Single();
            if (t.FlushingMemtables > flushingBefore)
            {
                switches++;
                if (firstSwitch < 0) firstSwitch = t.MemtableBytes; // all of it in the switched memtable
            }
        }
        await engine.FlushAsync();
        await engine.CompactAsync();
        var rows = new List<string>();
        for (int id = 0; id < 20; id++)
        {
            var result = engine.Read(SliceQuery.WholePartition(Table, Pk(id)));
            rows.AddRange(result.Rows.Select(r => $"{id}/{CkValue(r)}/{Convert.ToHexString(r.Cells[0].Value!)}/{r.Cells[0].TimestampMicros}"));
        }
        return new Run(engine.MemtableFlushThresholdBytes, firstSwitch, switches, rows);
    }
}

using CsCheck;
using RingStore.Storage.Compaction;

namespace RingStore.Storage.Tests.Compaction;

/// <summary>
/// The backlog-driven compaction rate (ScyllaDB's controller): monotone in the backlog, bounded by the base rate and
/// MaxFactor x base, up at once, converging to a steady backlog's target, and with MaxFactor 1 the old fixed cap.
/// </summary>
public sealed class CompactionControllerTests
{
    private const double Base = 16 << 20;
    private const long Unit = 64 << 20;

    private static CompactionController Controller(double maxFactor = 16, double full = 16, double decaySeconds = 10) =>
        new(Base, Unit, new CompactionControllerOptions { MaxFactor = maxFactor, FullBacklogFlushes = full, DecayTime = TimeSpan.FromSeconds(decaySeconds) });

    private static readonly Gen<long> Backlog = Gen.OneOf(Gen.Long[0, 40L * Unit], Gen.Long[long.MinValue, long.MaxValue]);

    [Fact]
    public void Target_rate_is_monotone_in_the_backlog_and_bounded()
    {
        Gen.Select(Backlog, Backlog, Gen.Double[1, 64], Gen.Double[0.5, 64]).Sample((a, b, factor, full) =>
        {
            var c = Controller(factor, full);
            long lo = Math.Min(a, b), hi = Math.Max(a, b);
            double tLo = c.TargetBytesPerSecond(lo), tHi = c.TargetBytesPerSecond(hi);
            Assert.True(tLo <= tHi, $"target({lo}) = {tLo} > target({hi}) = {tHi}");
            Assert.InRange(tLo, Base, Base * factor);
            Assert.InRange(tHi, Base, Base * factor);
        });
    }

    [Fact]
    public void Rate_is_the_base_with_no_backlog_and_the_top_at_the_full_backlog()
    {
        var c = Controller();
        Assert.Equal(Base, c.TargetBytesPerSecond(0));
        Assert.Equal(Base * 16, c.TargetBytesPerSecond(16 * Unit));
        Assert.Equal(Base * 16, c.TargetBytesPerSecond(1000 * Unit));
        Assert.Equal(Base * (1 + (15 * 0.25)), c.TargetBytesPerSecond(4 * Unit), 6);
    }

    [Fact]
    public void Applied_rate_stays_bounded_for_any_sequence_of_backlogs_and_times()
    {
        Gen.Select(Gen.Select(Backlog, Gen.Double[-5, 100]).Array[1, 50], Gen.Double[1, 32]).Sample((steps, factor) =>
        {
            var c = Controller(factor);
            foreach (var (backlog, seconds) in steps)
                Assert.InRange(c.Update(backlog, TimeSpan.FromSeconds(seconds)), Base, Base * factor);
        });
    }

    [Fact]
    public void Rate_rises_at_once_and_converges_to_a_steady_backlogs_target_from_any_start()
    {
        Gen.Select(Backlog, Backlog, Gen.Double[0.01, 2]).Sample((before, steady, step) =>
        {
            var c = Controller(decaySeconds: 10);
            c.Update(before, TimeSpan.Zero);
            double target = c.TargetBytesPerSecond(steady);
            double first = c.Update(steady, TimeSpan.FromSeconds(step));
            // Up at once: a growing backlog is never answered with less than its target.
            Assert.True(first >= target, $"{first} below the target {target}");
            // Down within ten time constants (e^-10 of the gap is left), never below the target on the way.
            double previous = first;
            for (double t = step; t < 100 + step; t += step)
            {
                double r = c.Update(steady, TimeSpan.FromSeconds(step));
                Assert.True(r <= previous && r >= target, $"rate {r} after {previous}, target {target}");
                previous = r;
            }
            Assert.True(previous - target <= (Base * 16 * 1e-4) + 1e-6, $"did not converge: {previous} vs {target}");
        });
    }

    [Fact]
    public void Max_factor_one_is_a_fixed_cap()
    {
        var c = Controller(maxFactor: 1);
        Assert.Equal(Base, c.Update(0, TimeSpan.Zero));
        Assert.Equal(Base, c.Update(1000 * Unit, TimeSpan.FromSeconds(1)));
        Assert.Equal(Base, c.Update(1, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Invalid_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CompactionController(0, Unit, new CompactionControllerOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CompactionController(Base, 0, new CompactionControllerOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CompactionController(Base, Unit, new CompactionControllerOptions { MaxFactor = 0.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CompactionController(Base, Unit, new CompactionControllerOptions { FullBacklogFlushes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CompactionController(Base, Unit, new CompactionControllerOptions { DecayTime = TimeSpan.FromSeconds(-1) }));
    }
}

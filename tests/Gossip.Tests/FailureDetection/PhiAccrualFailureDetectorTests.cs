using RingStore.Gossip.FailureDetection;

namespace RingStore.Gossip.Tests.FailureDetection;

public class PhiAccrualFailureDetectorTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void Phi_grows_linearly_with_silence_relative_to_the_mean_interval()
    {
        var window = new ArrivalWindow(1000, TimeSpan.FromSeconds(2));
        window.Add(Ms(0));      // first arrival records the 2 s initial estimate
        window.Add(Ms(1000));   // then 1 s intervals
        window.Add(Ms(2000));
        Assert.Equal((2000 + 1000 + 1000) / 3.0, window.MeanMs, 9);
        Assert.Equal(0, window.Phi(Ms(2000)));
        Assert.Equal(1000 / window.MeanMs / Math.Log(10), window.Phi(Ms(3000)), 9);
    }

    [Fact]
    public void Intervals_longer_than_the_initial_estimate_are_ignored()
    {
        var window = new ArrivalWindow(1000, TimeSpan.FromSeconds(2));
        window.Add(Ms(0));
        window.Add(Ms(60_000)); // a partition: must not teach the detector that 60 s is normal
        Assert.Equal(1, window.Count);
        Assert.Equal(2000, window.MeanMs, 9);
    }

    [Fact]
    public void Window_keeps_only_the_most_recent_intervals()
    {
        var window = new ArrivalWindow(10, TimeSpan.FromSeconds(2));
        double t = 0;
        window.Add(Ms(t));
        for (int i = 0; i < 50; i++)
        {
            window.Add(Ms(t += 1500));
        }
        for (int i = 0; i < 10; i++)
        {
            window.Add(Ms(t += 500));
        }
        Assert.Equal(10, window.Count);
        Assert.Equal(500, window.MeanMs, 9);
    }

    [Fact]
    public void Convicts_after_about_eighteen_mean_intervals_of_silence()
    {
        var fd = new PhiAccrualFailureDetector(FailureDetectorOptions.Cassandra);
        for (int i = 0; i <= 100; i++)
        {
            fd.Report("a", Ms(i * 1000));
        }
        // mean ~1 s; phi > 8 needs 8 * ln(10) ~ 18.4 s of silence.
        fd.BeginRound(Ms(100_000 + 17_000));
        Assert.False(fd.ShouldConvict("a", Ms(100_000 + 17_000)));
        fd.BeginRound(Ms(100_000 + 19_000));
        Assert.True(fd.ShouldConvict("a", Ms(100_000 + 19_000)));
    }

    [Fact]
    public void Threshold_is_configurable()
    {
        var fd = new PhiAccrualFailureDetector(new FailureDetectorOptions { PhiConvictThreshold = 1 });
        fd.Report("a", Ms(0));
        fd.Report("a", Ms(1000));
        fd.BeginRound(Ms(5000));
        Assert.True(fd.ShouldConvict("a", Ms(5000)));
    }

    [Fact]
    public void Refuses_to_convict_right_after_a_local_pause()
    {
        var fd = new PhiAccrualFailureDetector(FailureDetectorOptions.Cassandra);
        for (int i = 0; i <= 20; i++)
        {
            fd.Report("a", Ms(i * 1000));
            fd.BeginRound(Ms(i * 1000));
        }
        // We stalled for 30 s: the peer looks dead only because we did not run.
        fd.BeginRound(Ms(50_000));
        Assert.False(fd.ShouldConvict("a", Ms(50_000)));
        fd.BeginRound(Ms(51_000));
        Assert.False(fd.ShouldConvict("a", Ms(51_000)));
        // Once the guard has passed and still nothing arrived, it is convicted.
        fd.BeginRound(Ms(56_000));
        Assert.True(fd.ShouldConvict("a", Ms(56_000)));
    }

    [Fact]
    public void Default_tuning_convicts_after_about_nine_mean_intervals_and_ignores_a_stall_of_its_own()
    {
        var fd = new PhiAccrualFailureDetector(new FailureDetectorOptions());
        for (int i = 0; i <= 100; i++)
        {
            fd.Report("a", Ms(i * 300));
            fd.BeginRound(Ms(i * 300));
        }
        // mean 300 ms; phi > 4 needs 4 * ln(10) * 300 ~ 2.76 s of silence, and the minimum silence is 3 s. Rounds keep
        // running every 200 ms.
        for (int t = 30_000 + 200; t <= 30_000 + 2_800; t += 200)
        {
            fd.BeginRound(Ms(t));
            Assert.False(fd.ShouldConvict("a", Ms(t)));
        }
        fd.BeginRound(Ms(30_000 + 3_000));
        Assert.True(fd.ShouldConvict("a", Ms(30_000 + 3_000)));

        // The same silence, but because this process stalled for 2 s (rounds stopped): no conviction for 800 ms after it.
        var stalled = new PhiAccrualFailureDetector(new FailureDetectorOptions());
        for (int i = 0; i <= 100; i++)
        {
            stalled.Report("a", Ms(i * 300));
            stalled.BeginRound(Ms(i * 300));
        }
        stalled.BeginRound(Ms(30_000 + 200));
        stalled.BeginRound(Ms(30_000 + 2_900));
        Assert.False(stalled.ShouldConvict("a", Ms(30_000 + 2_900)));
        stalled.BeginRound(Ms(30_000 + 3_100));
        Assert.False(stalled.ShouldConvict("a", Ms(30_000 + 3_100)));
        // The guard is MaxLocalPause, not the minimum silence: a peer still unheard 800 ms after our stall is convicted
        // (with a 3 s guard, renewed by each stall, an observer stalling every few seconds never convicted a dead peer).
        stalled.BeginRound(Ms(30_000 + 3_700));
        Assert.True(stalled.ShouldConvict("a", Ms(30_000 + 3_700)));
    }

    [Fact]
    public void Direct_contact_counts_for_the_minimum_silence_but_not_for_the_mean()
    {
        var fd = new PhiAccrualFailureDetector(new FailureDetectorOptions());
        for (int i = 0; i <= 100; i++)
        {
            fd.Report("a", Ms(i * 300));
            fd.BeginRound(Ms(i * 300));
        }
        double mean = fd.FindWindow("a")!.MeanMs;
        long contact = Ms(30_000 + 1_000).Ticks;
        for (int t = 30_000 + 200; t <= 30_000 + 3_400; t += 200)
        {
            fd.BeginRound(Ms(t)); // rounds keep running: no local stall
        }
        fd.BeginRound(Ms(30_000 + 3_500));
        Assert.True(fd.ShouldConvict(fd.FindWindow("a"), Ms(30_000 + 3_500)));
        Assert.False(fd.ShouldConvict(fd.FindWindow("a"), Ms(30_000 + 3_500), contact));
        Assert.True(fd.ShouldConvict(fd.FindWindow("a"), Ms(30_000 + 4_000), contact));
        Assert.Equal(mean, fd.FindWindow("a")!.MeanMs);
    }

    [Fact]
    public void Intervals_up_to_the_recorded_cap_count_toward_the_mean()
    {
        // Under loss, gaps of 400 ms - 1 s are real: leaving them out (Cassandra's cap = the initial estimate) would
        // make the mean too short and phi convict live nodes.
        var fd = new PhiAccrualFailureDetector(new FailureDetectorOptions());
        long t = 0;
        for (int i = 0; i < 50; i++)
        {
            fd.Report("a", Ms(t += i % 2 == 0 ? 200 : 900));
        }
        fd.Report("a", Ms(t += 5_000)); // a partition-length gap is still not recorded
        Assert.Equal(50, fd.IntervalCount("a"));
    }
}

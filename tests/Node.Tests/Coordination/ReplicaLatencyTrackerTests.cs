using RingStore.Coordination;

namespace RingStore.Node.Tests.Coordination;

public class ReplicaLatencyTrackerTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void Faster_replica_scores_lower_and_unknown_scores_zero()
    {
        var t = new ReplicaLatencyTracker(TimeSpan.FromSeconds(10));
        for (int i = 0; i < 20; i++)
        {
            t.RecordReplicaLatency("slow", Ms(30), Ms(i * 100));
            t.RecordReplicaLatency("fast", Ms(2), Ms(i * 100));
        }
        var now = Ms(2000);
        Assert.True(t.ScoreFor("fast", now) < t.ScoreFor("slow", now));
        Assert.Equal(0, t.ScoreFor("never", now));
    }

    [Fact]
    public void A_replica_that_got_faster_overtakes_within_a_few_samples()
    {
        var t = new ReplicaLatencyTracker(TimeSpan.FromSeconds(10));
        t.RecordReplicaLatency("a", Ms(50), Ms(0));
        t.RecordReplicaLatency("b", Ms(10), Ms(0));
        for (int i = 1; i <= 30; i++)
        {
            t.RecordReplicaLatency("a", Ms(1), Ms(i));
            t.RecordReplicaLatency("b", Ms(10), Ms(i));
        }
        Assert.True(t.ScoreFor("a", Ms(31)) < t.ScoreFor("b", Ms(31)));
    }

    [Fact]
    public void Score_decays_while_unmeasured_so_a_slow_replica_is_tried_again()
    {
        var t = new ReplicaLatencyTracker(TimeSpan.FromSeconds(1));
        t.RecordReplicaLatency("a", Ms(100), Ms(0));
        t.RecordReplicaLatency("b", Ms(10), Ms(9_000));
        Assert.True(t.ScoreFor("a", Ms(9_000)) < t.ScoreFor("b", Ms(9_000)));
        Assert.Equal(100, t.ScoreFor("a", Ms(0)), 6);
    }

    [Fact]
    public void Threshold_is_the_p99_of_the_recent_window_once_there_are_enough_reads()
    {
        var t = new ReplicaLatencyTracker(TimeSpan.FromSeconds(1), windowSize: 100, minSamplesForThreshold: 10);
        for (int i = 1; i <= 9; i++) t.RecordTableRead("ks.t", Ms(i));
        Assert.Null(t.SpeculativeRetryThreshold("ks.t"));
        for (int i = 10; i <= 100; i++) t.RecordTableRead("ks.t", Ms(i));
        Assert.Equal(Ms(99), t.SpeculativeRetryThreshold("ks.t"));
        Assert.Equal(Ms(50), t.SpeculativeRetryThreshold("ks.t", 0.5));
        // The window forgets: 100 fast reads replace the slow history.
        for (int i = 0; i < 100; i++) t.RecordTableRead("ks.t", Ms(1));
        Assert.Equal(Ms(1), t.SpeculativeRetryThreshold("ks.t"));
        Assert.Null(t.SpeculativeRetryThreshold("ks.other"));
    }

    [Fact]
    public void Threshold_is_recomputed_once_a_sixteenth_of_the_window_is_new_samples()
    {
        var t = new ReplicaLatencyTracker(TimeSpan.FromSeconds(1), windowSize: 160, minSamplesForThreshold: 10);
        for (int i = 0; i < 160; i++) t.RecordTableRead("ks.t", Ms(1));
        Assert.Equal(Ms(1), t.SpeculativeRetryThreshold("ks.t", 0.95));
        // 9 slow reads (under 160/16 = 10): the cached answer stands, though 9 of 160 is past the 95th percentile.
        for (int i = 0; i < 9; i++) t.RecordTableRead("ks.t", Ms(50));
        Assert.Equal(Ms(1), t.SpeculativeRetryThreshold("ks.t", 0.95));
        // The 10th makes it recompute: 10 of 160 slow reads put the 95th percentile among them.
        t.RecordTableRead("ks.t", Ms(50));
        Assert.Equal(Ms(50), t.SpeculativeRetryThreshold("ks.t", 0.95));
    }
}

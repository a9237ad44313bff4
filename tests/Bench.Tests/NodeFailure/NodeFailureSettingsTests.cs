using RingStore.Bench.NodeFailure;

namespace RingStore.Bench.Tests.NodeFailure;

/// <summary>`bench node-failure` switches (no cluster): the pause mode's defaults and its own result folder.</summary>
public sealed class NodeFailureSettingsTests
{
    [Fact]
    public void Pause_freezes_one_node_for_ten_seconds_after_twenty_of_load_and_runs_twenty_seconds_after()
    {
        var s = NodeFailureSettings.Parse(new Args(["--pause"]));
        Assert.True(s.Pause);
        Assert.Equal(20, s.KillAtSeconds);
        Assert.Equal("pause", s.Fault);
        Assert.Equal(10, s.PauseSeconds);
        Assert.Equal(s.KillAtSeconds + 10, s.RestartAtSeconds); // SIGCONT is the pause's "restart"
        Assert.Equal(s.RestartAtSeconds + 20, s.DurationSeconds);
        Assert.Equal("bench/results/node-failure-pause", s.ResultDirectory);
    }

    [Fact]
    public void Kill_stays_the_default_with_its_old_folder()
    {
        var s = NodeFailureSettings.Parse(new Args([]));
        Assert.Equal("kill", s.Fault);
        Assert.Equal((10, 40, 60), (s.KillAtSeconds, s.RestartAtSeconds, s.DurationSeconds));
        Assert.Equal("bench/results/node-failure", s.ResultDirectory);
    }

    [Theory]
    [InlineData("--pause", "--partition")]
    [InlineData("--pause", "--pause-seconds", "0")]
    [InlineData("--pause", "--pause-seconds", "5", "--kill-at", "3", "--duration", "8")]
    public void Bad_combinations_are_refused(params string[] args) =>
        Assert.Throws<ArgumentException>(() => NodeFailureSettings.Parse(new Args(args)));
}

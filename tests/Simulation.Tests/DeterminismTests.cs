namespace RingStore.Simulation.Tests;

/// <summary>One seed, one run: the hash of the whole event log (every message, fault, hint and operation) repeats.</summary>
public class DeterminismTests
{
    [Theory]
    [InlineData(7)]
    [InlineData(1236)]
    public void Two_runs_of_one_seed_log_identical_events(int seed)
    {
        var a = CoordinatorSimulation.Run(SimulationOptions.Everything(seed));
        var b = CoordinatorSimulation.Run(SimulationOptions.Everything(seed));
        Assert.True(a.Stats.Events > 1_000, $"{a.Stats.Events} events");
        Assert.Equal(a.EventLogHash, b.EventLogHash);
        Assert.Equal(a.Stats.Events, b.Stats.Events);
        Assert.Equal(a.History, b.History);
    }

    [Fact]
    public void Recording_the_trace_does_not_change_the_run_and_other_seeds_differ()
    {
        var plain = CoordinatorSimulation.Run(SimulationOptions.Everything(7));
        var traced = CoordinatorSimulation.Run(SimulationOptions.Everything(7) with { RecordTrace = true });
        Assert.Equal(plain.EventLogHash, traced.EventLogHash);
        Assert.NotEmpty(traced.Events);
        Assert.Empty(plain.Events);
        Assert.NotEqual(plain.EventLogHash, CoordinatorSimulation.Run(SimulationOptions.Everything(8)).EventLogHash);
    }
}

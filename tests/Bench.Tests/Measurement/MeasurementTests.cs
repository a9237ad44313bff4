using RingStore.Bench.Measurement;
using RingStore.Bench.NodeFailure;
using RingStore.Client.Protos;

namespace RingStore.Bench.Tests.Measurement;

public sealed class MeasurementTests
{
    [Fact]
    public void Cpu_time_is_utime_plus_stime_even_when_the_command_name_has_spaces()
    {
        string stat = "4242 (dotnet my app) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0 100 0 0";
        Assert.Equal(TimeSpan.FromSeconds(3), ProcessCpuTime.Parse(stat));
        Assert.NotNull(ProcessCpuTime.Read(Environment.ProcessId));
    }

    [Fact]
    public void Context_switches_are_read_from_the_status_lines_and_summed_over_the_threads()
    {
        string status = "Name:\tdotnet\nState:\tS (sleeping)\nvoluntary_ctxt_switches:\t1234\nnonvoluntary_ctxt_switches:\t56\n";
        Assert.Equal(new ContextSwitches(1234, 56), ProcessContextSwitches.Parse(status));
        var self = ProcessContextSwitches.Read(Environment.ProcessId);
        Assert.NotNull(self);
        // This process has several threads that have all waited at least once.
        Assert.True(self.Value.Voluntary > 0);
        Assert.Equal(new ContextSwitches(3, 1), new ContextSwitches(5, 3) - new ContextSwitches(2, 2));
    }

    [Fact]
    public void Skew_is_max_over_average()
    {
        Assert.Equal(1.0, SkewRatio.MaxOverAverage([5, 5, 5]));
        Assert.Equal(2.0, SkewRatio.MaxOverAverage([0, 0, 2, 2]));
        Assert.Equal(3.0, SkewRatio.MaxOverAverage([0, 0, 9]));
        Assert.Equal(0, SkewRatio.MaxOverAverage([]));
        Assert.Equal(0, SkewRatio.MaxOverAverage([0, 0]));
    }

    [Fact]
    public void Counter_deltas_add_a_restarted_nodes_counts_before_the_fault_and_after_the_restart()
    {
        NodeMetrics M(long hints) => new() { HintsStored = hints };
        NodeMetrics?[] start = [M(10), M(20), M(30)];
        NodeMetrics?[] fault = [null, null, M(35)];
        NodeMetrics?[] end = [M(110), M(20), M(4)];
        // node0 +100, node1 +0, node2 restarted: (35 - 30) + 4
        Assert.Equal(109, CounterDelta.Sum(start, fault, end, [2], m => m.HintsStored));
        // not restarted: end - start, never negative
        Assert.Equal(100, CounterDelta.Sum(start, fault, end, [], m => m.HintsStored));
    }
}

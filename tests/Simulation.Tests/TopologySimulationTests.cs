using Xunit.Abstractions;

namespace RingStore.Simulation.Tests;

/// <summary>
/// Joins, decommissions and anti-entropy repairs while clients write and read and every other fault strikes: no
/// acknowledged write is lost across a ring change (writes to pending ranges reach the joining node or the gainers
/// of a leaving node's ranges; the ranges stream from the replicas that lose them), hints drain (those for a node
/// that left are deleted), every replica of the final ring catches up, and each repair converges its replicas.
/// </summary>
public class TopologySimulationTests
{
    private const int Seeds = 12;
    private readonly ITestOutputHelper _output;

    public TopologySimulationTests(ITestOutputHelper output) => _output = output;

    /// <summary>Many keys, crashes and loss, and ring changes and repairs often, so streams and repairs carry data.</summary>
    public static SimulationOptions Elastic(int seed) => new(seed)
    {
        KeyCount = 20,
        Faults = SimFaults.Crash | SimFaults.Loss | SimFaults.Topology,
        MaxJoinProbability = 0.3,
        MaxLeaveProbability = 0.3,
        MaxRepairProbability = 0.5,
    };

    /// <summary>
    /// Ring changes on a calm network and no final repair: nothing is ever hinted, so what a gaining node holds at the
    /// end came from its streams and the writes to its pending ranges alone.
    /// </summary>
    public static SimulationOptions ElasticCalm(int seed) => new(seed)
    {
        KeyCount = 20,
        Faults = SimFaults.Join | SimFaults.Leave,
        MaxJoinProbability = 0.3,
        MaxLeaveProbability = 0.3,
        FinalRepair = false,
    };

    [Fact]
    public void Every_guarantee_holds_across_joins_leaves_and_repairs()
    {
        var failures = new List<string>();
        var totals = new SimulationStats();
        for (int seed = 1; seed <= Seeds; seed++)
        {
            foreach (var options in new[] { SimulationOptions.Everything(seed) with { Faults = SimFaults.Everything }, Elastic(seed), ElasticCalm(seed) })
            {
                var result = CoordinatorSimulation.Run(options);
                if (result.Violations.Count > 0) failures.Add($"seed {seed} ({SimFaultNames.Format(options.Faults)}): {string.Join("; ", result.Violations.Take(3))}");
                totals.Joins += result.Stats.Joins;
                totals.Leaves += result.Stats.Leaves;
                totals.StreamedPartitions += result.Stats.StreamedPartitions;
                totals.Repairs += result.Stats.Repairs;
                totals.RepairRowsSent += result.Stats.RepairRowsSent;
                totals.HintsStored += result.Stats.HintsStored;
            }
        }
        _output.WriteLine(totals.ToString());
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(totals.Joins > 10 && totals.Leaves > 10 && totals.StreamedPartitions > 100 && totals.Repairs > 20 && totals.RepairRowsSent > 0,
            totals.ToString());
    }

    [Fact]
    public void A_run_with_ring_changes_replays_event_for_event()
    {
        var a = CoordinatorSimulation.Run(Elastic(5));
        var b = CoordinatorSimulation.Run(Elastic(5));
        Assert.True(a.Stats.Joins + a.Stats.Leaves > 0, a.Stats.ToString());
        Assert.Equal(a.EventLogHash, b.EventLogHash);
        Assert.Equal(a.History, b.History);
    }

    [Fact]
    public void Fault_names_include_the_ring_changes()
    {
        Assert.Equal(SimFaults.Join | SimFaults.Leave | SimFaults.Repair, SimFaultNames.Parse("join,leave,repair"));
        Assert.Equal(SimFaults.All, SimFaultNames.Parse("all"));
        Assert.Equal(SimFaults.Everything, SimFaultNames.Parse("everything"));
        Assert.Equal("crash,join", SimFaultNames.Format(SimFaults.Crash | SimFaults.Join));
    }
}

using RingStore.Core.Consistency;
using Xunit.Abstractions;

namespace RingStore.Simulation.Tests;

/// <summary>
/// The checker finds real bugs: each planted bug (a switch in the simulation's drivers, never in product code)
/// breaks one rule, and some seed of a fixed set must show a violation of the rule it breaks; with the bug removed
/// the same seeds pass. Seeds are fixed, so this is a normal deterministic test.
/// </summary>
public class PlantedBugTests
{
    private const int MaxSeeds = 100;
    private readonly ITestOutputHelper _output;

    public PlantedBugTests(ITestOutputHelper output) => _output = output;

    /// <summary>Many keys (so read repair rarely covers for a missed replica) and crashes: replicas miss writes while down.</summary>
    private static SimulationOptions ManyKeys(int seed) => new(seed) { KeyCount = 20, Faults = SimFaults.Crash | SimFaults.Loss };

    [Fact]
    public void Skipping_the_hint_for_a_down_replica_leaves_it_behind() =>
        CaughtAndRestored("skip hint", ManyKeys, o => o with { SkipHintForDownReplica = true }, Violation.NotReplicated);

    [Fact]
    public void Never_replaying_hints_leaves_them_undelivered() =>
        CaughtAndRestored("no hint replay", s => new SimulationOptions(s), o => o with { SkipHintReplay = true }, Violation.HintsNotDrained);

    /// <summary>
    /// The hint store (the product's, on each node's simulated disk) acknowledges hints whose fsyncs did nothing: a
    /// coordinator that crashes before delivering them loses them.
    /// </summary>
    [Fact]
    public void Hints_not_synced_before_they_are_acknowledged_are_lost_in_a_crash() =>
        CaughtAndRestored("hints not synced", ManyKeys, o => o with { HintsNotSynced = true }, Violation.HintLost);

    [Fact]
    public void A_ring_change_that_streams_nothing_leaves_the_gaining_node_behind() =>
        CaughtAndRestored("skip streaming", TopologySimulationTests.ElasticCalm, o => o with { SkipStreaming = true }, Violation.NotReplicated);

    [Fact]
    public void Writes_that_ignore_pending_ranges_miss_the_joining_node() =>
        CaughtAndRestored("ignore pending ranges", TopologySimulationTests.ElasticCalm, o => o with { IgnorePendingRanges = true }, Violation.NotReplicated);

    [Fact]
    public void A_repair_that_writes_nothing_back_does_not_converge() =>
        CaughtAndRestored("skip repair writes", TopologySimulationTests.Elastic, o => o with { SkipRepairWrites = true }, Violation.RepairNotConverged);

    [Fact]
    public void Acking_quorum_after_one_reply_loses_acknowledged_writes() =>
        CaughtAndRestored("ack QUORUM after one reply", s => new SimulationOptions(s), o => o with { WriteBlockForOverride = 1 }, Violation.LostWrite);

    [Fact]
    public void Skipping_the_blocking_read_repair_lets_reads_go_back() =>
        CaughtAndRestored("skip read repair", s => new SimulationOptions(s), o => o with { DisableReadRepair = true }, Violation.ReadWentBack);

    [Fact]
    public void Answering_before_read_repairs_are_acked_lets_reads_go_back() =>
        CaughtAndRestored("non-blocking read repair", CoordinatorSimulationTests.Rough, o => o with { AnswerBeforeRepairAcks = true }, Violation.ReadWentBack);

    [Fact]
    public void Skipping_the_scans_blocking_repair_leaves_replicas_behind_what_it_returned() =>
        CaughtAndRestored("skip range read repair", ScanSimulationTests.ScanHeavy, o => o with { SkipRangeReadRepair = true }, Violation.ScanNotRepaired);

    [Fact]
    public void Answering_a_scan_before_its_repairs_are_acked_is_caught() =>
        CaughtAndRestored("non-blocking range read repair", ScanSimulationTests.ScanHeavy, o => o with { AnswerRangeBeforeRepairAcks = true }, Violation.ScanNotRepaired);

    [Fact]
    public void A_quorum_scan_that_reads_one_replica_misses_acknowledged_writes() =>
        CaughtAndRestored("scan at ONE", ScanSimulationTests.ScanHeavy, o => o with { ScanReadsOneReplica = true }, Violation.LostWrite);

    [Fact]
    public void The_whole_fault_model_catches_a_lost_write_too() =>
        CaughtAndRestored("ack QUORUM after one reply, everything on", SimulationOptions.Everything, o => o with { WriteBlockForOverride = 1 }, Violation.LostWrite);

    private void CaughtAndRestored(string bug, Func<int, SimulationOptions> options, Func<SimulationOptions, SimulationOptions> plant, string rule)
    {
        SimulationResult? caught = null;
        int seed = 1;
        for (; seed <= MaxSeeds && caught is null; seed++)
        {
            var result = CoordinatorSimulation.Run(plant(options(seed)));
            if (result.Violations.Any(v => v.Rule == rule)) caught = result;
        }
        Assert.True(caught is not null, $"{bug}: no seed in 1..{MaxSeeds} showed a {rule} violation");
        _output.WriteLine($"{bug}: seed {caught!.Seed}: {caught.Violations.First(v => v.Rule == rule)}");
        for (int s = 1; s <= caught.Seed; s++)
        {
            var correct = CoordinatorSimulation.Run(options(s));
            Assert.True(correct.Violations.Count == 0, $"seed {s} without the bug: {string.Join(Environment.NewLine, correct.Violations)}");
        }
    }
}

using RingStore.Core.Consistency;
using Xunit.Abstractions;

namespace RingStore.Simulation.Tests;

/// <summary>
/// Every fault at once (crashes, pauses, two-way and one-way partitions, loss, duplication, slow messages, failing
/// disks, a latency distribution drawn per seed), writes, deletes, reads and token-range scans at ONE, QUORUM and ALL: the run's
/// history keeps every guarantee, and once the faults stop every hint drains and every replica catches up.
/// </summary>
public class FullFaultModelTests
{
    private const int Seeds = 100;
    private readonly ITestOutputHelper _output;

    public FullFaultModelTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_guarantee_holds_under_every_fault()
    {
        var failures = new List<string>();
        var totals = new SimulationStats();
        long deletes = 0, one = 0, all = 0, acked = 0;
        for (int seed = 1; seed <= Seeds; seed++)
        {
            var result = CoordinatorSimulation.Run(SimulationOptions.Everything(seed));
            if (result.Violations.Count > 0) failures.Add($"seed {seed}: {string.Join("; ", result.Violations.Take(3))}");
            deletes += result.History.Count(o => o.Kind == OperationKind.Delete && o.Ok);
            one += result.History.Count(o => o.Level == ConsistencyLevel.One && o.Ok);
            all += result.History.Count(o => o.Level == ConsistencyLevel.All && o.Ok);
            acked += result.AckedWrites;
            totals.Kills += result.Stats.Kills;
            totals.Pauses += result.Stats.Pauses;
            totals.Partitions += result.Stats.Partitions;
            totals.OneWayPartitions += result.Stats.OneWayPartitions;
            totals.DiskFaults += result.Stats.DiskFaults;
            totals.MessagesDuplicated += result.Stats.MessagesDuplicated;
            totals.HintsStored += result.Stats.HintsStored;
            totals.Scans += result.Stats.Scans;
            totals.ScansCompleted += result.Stats.ScansCompleted;
            totals.ScanRepairs += result.Stats.ScanRepairs;
        }
        _output.WriteLine($"{Seeds} seeds: {acked} acked writes, {deletes} acked deletes, {one} ONE ok, {all} ALL ok; {totals}");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        // The runs must have exercised what they claim to check.
        Assert.True(deletes > 100 && one > 100 && all > 100, $"deletes={deletes} one={one} all={all}");
        Assert.True(totals.Kills > 20 && totals.Pauses > 20 && totals.Partitions > 5 && totals.OneWayPartitions > 5 && totals.DiskFaults > 10
                    && totals.MessagesDuplicated > 100 && totals.HintsStored > 100 && totals.ScansCompleted > 100, totals.ToString());
    }

    [Fact]
    public void Checker_flags_a_resurrected_row_and_accepts_a_read_of_nothing_after_a_delete()
    {
        static TimeSpan ms(double x) => TimeSpan.FromMilliseconds(x);
        var history = new List<OperationRecord>
        {
            new(OperationKind.Write, 0, 5, ms(0), ms(10), true, "n1"),
            new(OperationKind.Delete, 0, 6, ms(20), ms(30), true, "n1"),
            new(OperationKind.Read, 0, 5, ms(40), ms(50), true, "n2"),     // the deleted 5 came back
            new(OperationKind.Read, 0, 0, ms(60), ms(70), true, "n3"),     // nothing: fine, the delete is newer than 5
            new(OperationKind.Write, 1, 3, ms(0), ms(10), true, "n1", ConsistencyLevel.One),
            new(OperationKind.Read, 1, 0, ms(20), ms(30), true, "n2", ConsistencyLevel.Quorum), // ONE + QUORUM need not meet
        };
        var violations = ConsistencyChecker.Check(history);
        var v = Assert.Single(violations);
        Assert.Equal(Violation.Resurrected, v.Rule);
    }
}

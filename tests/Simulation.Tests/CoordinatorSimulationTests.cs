using RingStore.Simulation;

using Xunit.Abstractions;

namespace RingStore.Simulation.Tests;

/// <summary>
/// Deterministic simulation of the coordinator's pure core under kills, restarts, loss, delay and partitions.
/// A failing seed is printed; once fixed it is kept in <see cref="Regression_seeds"/>.
/// </summary>
public class CoordinatorSimulationTests
{
    private const int Seeds = 200;
    private readonly ITestOutputHelper _output;

    public CoordinatorSimulationTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Quorum_writes_are_never_lost_and_quorum_reads_never_go_back()
    {
        var failures = new List<string>();
        long acked = 0, reads = 0, mismatches = 0, repairs = 0, speculative = 0, kills = 0, timeouts = 0;
        for (int seed = 1; seed <= Seeds; seed++)
        {
            var result = CoordinatorSimulation.Run(new SimulationOptions(seed));
            acked += result.AckedWrites;
            reads += result.SuccessfulReads;
            mismatches += result.Stats.DigestMismatches;
            repairs += result.Stats.ReadRepairs;
            speculative += result.Stats.SpeculativeRetries;
            kills += result.Stats.Kills;
            timeouts += result.Stats.WriteTimeouts + result.Stats.ReadTimeouts;
            if (result.Violations.Count > 0)
            {
                failures.Add($"seed {seed}: {string.Join("; ", result.Violations.Take(3))} ({result.Stats})");
            }
        }
        _output.WriteLine($"{Seeds} seeds: {acked} acked writes, {reads} reads, {mismatches} digest mismatches, {repairs} repairs, " +
                          $"{speculative} speculative retries, {kills} kills, {timeouts} timeouts");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        // The run must have exercised what it claims to check.
        Assert.True(acked > 1_000 && reads > 1_000, $"{acked} acked writes, {reads} reads");
        Assert.True(mismatches > 100 && repairs > 100 && speculative > 100 && kills > 100 && timeouts > 100,
            $"mismatches={mismatches} repairs={repairs} speculative={speculative} kills={kills} timeouts={timeouts}");
    }

    /// <summary>Much more loss, slow messages, kills and partitions, and a failure detector that lags longer.</summary>
    public static SimulationOptions Rough(int seed) => new(seed)
    {
        MaxLossProbability = 0.4,
        SlowMessageProbability = 0.2,
        MaxKillProbability = 0.6,
        MaxPartitionProbability = 0.4,
        ConvictAfter = TimeSpan.FromMilliseconds(600),
    };

    [Fact]
    public void Quorum_guarantees_hold_in_a_rough_network()
    {
        var failures = new List<string>();
        long acked = 0, reads = 0;
        for (int seed = 1; seed <= Seeds; seed++)
        {
            var result = CoordinatorSimulation.Run(Rough(seed));
            acked += result.AckedWrites;
            reads += result.SuccessfulReads;
            if (result.Violations.Count > 0)
            {
                failures.Add($"seed {seed}: {string.Join("; ", result.Violations.Take(3))} ({result.Stats})");
            }
        }
        _output.WriteLine($"{Seeds} rough seeds: {acked} acked writes, {reads} reads");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(acked > 500 && reads > 500, $"{acked} acked writes, {reads} reads");
    }

    [Fact]
    public void Same_seed_same_history()
    {
        var a = CoordinatorSimulation.Run(new SimulationOptions(42));
        var b = CoordinatorSimulation.Run(new SimulationOptions(42));
        Assert.Equal(a.History, b.History);
        Assert.Equal(a.Stats.Events, b.Stats.Events);
    }

    [Fact]
    public void Checker_catches_reads_going_back_without_read_repair()
    {
        var found = FirstViolatingSeed(seed => new SimulationOptions(seed) { DisableReadRepair = true });
        Assert.True(found is not null, "no seed showed a read going backwards with read repair disabled");
        _output.WriteLine($"read repair disabled: seed {found!.Seed}: {found.Violations[0]}");
        Assert.Contains(found.Violations, v => v.Rule == Violation.ReadWentBack);
    }

    [Fact]
    public void Checker_catches_reads_going_back_with_non_blocking_read_repair()
    {
        var found = FirstViolatingSeed(seed => Rough(seed) with { AnswerBeforeRepairAcks = true });
        Assert.True(found is not null, "no seed showed a read going backwards with non-blocking read repair");
        _output.WriteLine($"non-blocking read repair: seed {found!.Seed}: {found.Violations[0]}");
        Assert.Contains(found.Violations, v => v.Rule == Violation.ReadWentBack);
    }

    [Fact]
    public void Checker_catches_lost_writes_when_writes_wait_for_one_ack()
    {
        var found = FirstViolatingSeed(seed => new SimulationOptions(seed) { WriteBlockForOverride = 1 });
        Assert.True(found is not null, "no seed lost an acknowledged write with blockFor 1");
        _output.WriteLine($"blockFor 1: seed {found!.Seed}: {found.Violations[0]}");
        Assert.Contains(found.Violations, v => v.Rule == Violation.LostWrite);
    }

    [Fact]
    public void Checker_flags_a_stale_read_and_a_backwards_read()
    {
        static TimeSpan ms(double x) => TimeSpan.FromMilliseconds(x);
        var history = new List<OperationRecord>
        {
            new(OperationKind.Write, 0, 5, ms(0), ms(10), true, "n1"),
            new(OperationKind.Read, 0, 3, ms(20), ms(30), true, "n2"),       // misses the acked 5
            new(OperationKind.Read, 1, 9, ms(0), ms(10), true, "n1"),
            new(OperationKind.Read, 1, 7, ms(20), ms(30), true, "n2"),       // goes back from 9
            new(OperationKind.Read, 1, 8, ms(5), ms(40), true, "n3"),        // overlaps the 9: no order, fine
            new(OperationKind.Write, 1, 11, ms(0), ms(100), false, "n1"),    // failed: no obligation
        };
        var violations = ConsistencyChecker.Check(history);
        Assert.Equal(2, violations.Count);
        Assert.Equal(Violation.LostWrite, violations[0].Rule);
        Assert.Equal(Violation.ReadWentBack, violations[1].Rule);
    }

    private static SimulationResult? FirstViolatingSeed(Func<int, SimulationOptions> options)
    {
        for (int seed = 1; seed <= Seeds; seed++)
        {
            var result = CoordinatorSimulation.Run(options(seed));
            if (result.Violations.Count > 0)
            {
                return result;
            }
        }
        return null;
    }
}

using System.Diagnostics;
using System.Globalization;
using RingStore.Cli.Simulate;
using RingStore.Simulation;
using Spectre.Console;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore simulate</c>: runs the whole-cluster deterministic simulation (src/Simulation) for one seed or a
/// range of seeds and prints what it did: operations by kind and consistency level, faults injected, violations,
/// simulated and wall time. On a violation it re-runs the first failing seed with the event log recorded (a seed
/// replays exactly), prints the violating key's trace and the command that reproduces it, and exits 1.
/// </summary>
public static class SimulateCommand
{
    public static Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var settings = SimulateSettings.Parse(rawArgs);
        var totals = new SimulateTotals();
        var failures = new List<SimulationResult>();
        var wall = Stopwatch.StartNew();
        for (int i = 0; i < settings.SeedCount; i++)
        {
            int seed = settings.FirstSeed + i;
            var result = CoordinatorSimulation.Run(settings.For(seed));
            totals.Add(result);
            if (result.Violations.Count > 0)
            {
                failures.Add(result);
                if (settings.SeedCount > 1) Console.Error.WriteLine($"seed {seed}: {result.Violations.Count} violation(s): {result.Violations[0]}");
            }
        }
        wall.Stop();
        PrintSummary(settings, totals, failures, wall.Elapsed);
        if (failures.Count == 0) return Task.FromResult(0);
        PrintReproduction(settings, failures[0].Seed);
        return Task.FromResult(1);
    }

    private static void PrintSummary(SimulateSettings settings, SimulateTotals totals, List<SimulationResult> failures, TimeSpan wall)
    {
        string seeds = settings.SeedCount == 1 ? $"seed {settings.FirstSeed}" : $"seeds {settings.FirstSeed}..{settings.FirstSeed + settings.SeedCount - 1}";
        Console.WriteLine($"simulation: {seeds}, {settings.Nodes} nodes, RF {settings.ReplicationFactor}, {settings.Duration.TotalSeconds:0.###} s of load per seed, faults {SimFaultNames.Format(settings.Faults)}"
                                             + (settings.Bug is null ? "" : $", planted bug {settings.Bug}")
                                             + (settings.ModelStore ? ", model store" : ", storage engine on in-memory disks"));

        var operations = new Table().Title("operations").AddColumn("kind").AddColumn("level").AddColumn(new TableColumn("ok").RightAligned())
            .AddColumn(new TableColumn("failed").RightAligned());
        foreach (var ((kind, level), (ok, failed)) in totals.Operations.OrderBy(o => o.Key.Kind).ThenBy(o => o.Key.Level))
            operations.AddRow(kind.ToString().ToLowerInvariant(), level.ToString().ToUpperInvariant(), Number(ok), Number(failed));
        AnsiConsole.Write(operations);

        var faults = new Table().Title("faults injected").AddColumn("fault").AddColumn(new TableColumn("count").RightAligned());
        foreach (var (kind, count) in totals.Faults) faults.AddRow(kind, Number(count));
        AnsiConsole.Write(faults);

        double simulated = totals.SimulatedTime.TotalSeconds;
        var summary = new Table().HideHeaders().AddColumn("what").AddColumn(new TableColumn("value").RightAligned());
        summary.AddRow("operations", Number(totals.OperationCount));
        summary.AddRow("unavailable (replicas seen down)", Number(totals.Unavailable));
        summary.AddRow("digest mismatches / read repairs", $"{Number(totals.Mismatches)} / {Number(totals.Repairs)}");
        summary.AddRow("hints stored / left undelivered", $"{Number(totals.HintsStored)} / {Number(totals.HintsLeft)}");
        if (!settings.ModelStore)
        {
            summary.AddRow("engine flushes / compactions", $"{Number(totals.Flushes)} / {Number(totals.Compactions)}");
            summary.AddRow("entries replayed at restarts / disk stops", $"{Number(totals.Replayed)} / {Number(totals.DiskStops)}");
        }
        summary.AddRow("events", Number(totals.Events));
        if (settings.SeedCount == 1) summary.AddRow("event log hash", $"{totals.LastHash:x16}");
        summary.AddRow("violations", Number(totals.Violations));
        summary.AddRow("failing seeds", failures.Count == 0 ? "none" : string.Join(' ', failures.Take(20).Select(f => f.Seed)) + (failures.Count > 20 ? " ..." : ""));
        summary.AddRow("simulated time", $"{simulated:0.0} s");
        summary.AddRow("wall time", $"{wall.TotalSeconds:0.00} s");
        summary.AddRow("operations per wall second", Number((long)(totals.OperationCount / Math.Max(wall.TotalSeconds, 1e-6))));
        AnsiConsole.Write(summary);
    }

    private static void PrintReproduction(SimulateSettings settings, int seed)
    {
        // The same seed replays the same run: record its log this time and print the part that shows the violation.
        var traced = CoordinatorSimulation.Run(settings.For(seed) with { RecordTrace = true });
        var first = traced.Violations[0];
        Console.WriteLine($"FAILED: seed {seed}: {traced.Violations.Count} violation(s)");
        foreach (var v in traced.Violations.Take(5)) Console.WriteLine($"  {v}");
        var trace = traced.TraceOfFirstViolation();
        Console.WriteLine($"trace of key {first.Key} (its operations, messages and hints, and every fault) from {first.From.TotalMilliseconds:0.###} ms to {first.To.TotalMilliseconds:0.###} ms:");
        if (trace.Count > settings.TraceLines)
            Console.WriteLine($"  ... {trace.Count - settings.TraceLines} earlier events left out (--trace-lines) ...");
        foreach (var e in trace.Skip(Math.Max(0, trace.Count - settings.TraceLines))) Console.WriteLine($"  {e}");
        Console.WriteLine($"reproduce: {settings.ReproduceCommand(seed)}");
    }

    private static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}

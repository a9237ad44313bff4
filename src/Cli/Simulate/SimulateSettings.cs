using System.Globalization;
using RingStore.Cli.CommandLine;
using RingStore.Simulation;

namespace RingStore.Cli.Simulate;

/// <summary>What <c>ringstore simulate</c> was asked for, parsed and checked; builds each seed's options.</summary>
public sealed record SimulateSettings(int FirstSeed, int SeedCount, int Nodes, int ReplicationFactor, TimeSpan Duration,
    SimFaults Faults, int Keys, int Clients, string? Bug, int TraceLines)
{
    public static readonly string[] ValueOptions = ["--seed", "--seeds", "--nodes", "--rf", "--duration", "--faults", "--keys", "--clients", "--bug", "--trace-lines", "--storage"];

    /// <summary><c>--storage model</c>: the in-memory model store instead of the real engine (faster; no crash recovery to test).</summary>
    public bool ModelStore { get; init; }

    /// <summary>Planted bugs the checker must catch (for seeing what a failure looks like); never in the product.</summary>
    public static readonly string[] Bugs = ["skip-hint", "ack-quorum-after-one", "skip-read-repair", "non-blocking-read-repair",
        "skip-range-repair", "non-blocking-range-repair", "scan-at-one", "hints-not-synced", "skip-streaming", "ignore-pending-ranges",
        "skip-repair-writes"];

    public static SimulateSettings Parse(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        if (args.Positionals.Count > 0) throw new UsageException($"unexpected argument '{args.Positionals[0]}'");
        int nodes = args.GetInt("--nodes", 5, 1, 100);
        int rf = args.GetInt("--rf", Math.Min(3, nodes), 1, 100);
        if (rf > nodes) throw new UsageException($"--rf {rf} is more than --nodes {nodes}");
        string faultsText = args.Get("--faults") ?? "all";
        var faults = SimFaultNames.Parse(faultsText)
                     ?? throw new UsageException($"--faults: unknown fault in '{faultsText}' (known: {string.Join(',', SimFaultNames.All)}, all, everything, none)");
        string? bug = args.Get("--bug");
        if (bug is not null && !Bugs.Contains(bug, StringComparer.Ordinal))
            throw new UsageException($"--bug must be one of {string.Join(", ", Bugs)}");
        string storage = args.Get("--storage") ?? "engine";
        if (storage is not ("engine" or "model")) throw new UsageException($"--storage must be engine or model, got '{storage}'");
        return new SimulateSettings(
            args.GetInt("--seed", 1, 0, int.MaxValue), args.GetInt("--seeds", 1, 1, 1_000_000), nodes, rf,
            ParseDuration(args.Get("--duration") ?? "60s"), faults, args.GetInt("--keys", 2, 1, 10_000), args.GetInt("--clients", 3, 1, 1000),
            bug, args.GetInt("--trace-lines", 200, 1, 1_000_000)) { ModelStore = storage == "model" };
    }

    /// <summary>The options of one seed's run: the whole fault model (every level, deletes) within what was asked.</summary>
    public SimulationOptions For(int seed)
    {
        var options = SimulationOptions.Everything(seed) with
        {
            NodeCount = Nodes,
            ReplicationFactor = ReplicationFactor,
            Duration = Duration,
            Faults = Faults,
            KeyCount = Keys,
            ClientCount = Clients,
            RealStorage = !ModelStore,
        };
        return Bug switch
        {
            "skip-hint" => options with { SkipHintForDownReplica = true },
            "ack-quorum-after-one" => options with { WriteBlockForOverride = 1 },
            "skip-read-repair" => options with { DisableReadRepair = true },
            "non-blocking-read-repair" => options with { AnswerBeforeRepairAcks = true },
            "skip-range-repair" => options with { SkipRangeReadRepair = true },
            "non-blocking-range-repair" => options with { AnswerRangeBeforeRepairAcks = true },
            "scan-at-one" => options with { ScanReadsOneReplica = true },
            "hints-not-synced" => options with { HintsNotSynced = true },
            "skip-streaming" => options with { SkipStreaming = true },
            "ignore-pending-ranges" => options with { IgnorePendingRanges = true },
            "skip-repair-writes" => options with { SkipRepairWrites = true },
            _ => options,
        };
    }

    /// <summary>The command line that replays one seed exactly.</summary>
    public string ReproduceCommand(int seed) =>
        $"ringstore simulate --seed {seed} --nodes {Nodes} --rf {ReplicationFactor} --duration {FormatDuration(Duration)} --faults {SimFaultNames.Format(Faults)}"
        + (Keys != 2 ? $" --keys {Keys}" : "") + (Clients != 3 ? $" --clients {Clients}" : "") + (Bug is null ? "" : $" --bug {Bug}")
        + (ModelStore ? " --storage model" : "");

    /// <summary><c>600s</c>, <c>10m</c>, <c>1500ms</c>, or a plain number of seconds.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        (string number, double scale) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value * scale < 0.1 || value * scale > 86_400)
            throw new UsageException($"--duration must be like 600s, 10m or 1500ms (0.1 s to 24 h), got '{text}'");
        return TimeSpan.FromSeconds(value * scale);
    }

    private static string FormatDuration(TimeSpan d) =>
        d.TotalSeconds == Math.Floor(d.TotalSeconds) ? $"{d.TotalSeconds:0}s" : $"{d.TotalMilliseconds:0}ms";
}

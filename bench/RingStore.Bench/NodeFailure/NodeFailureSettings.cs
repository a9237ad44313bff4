using System.Globalization;

namespace RingStore.Bench.NodeFailure;

/// <summary>
/// `bench node-failure` options with the defaults: 3 nodes, RF 3, QUORUM, kill one at 10 s, restart it at 40 s,
/// 60 s run; with --pause: SIGSTOP one at 20 s, SIGCONT it 10 s later (--pause-seconds), 50 s run.
/// </summary>
public sealed record NodeFailureSettings
{
    public int Nodes { get; init; } = 3;
    public int ReplicationFactor { get; init; } = 3;
    public int Kill { get; init; } = 1;
    /// <summary>Cut the nodes off the network (namespaces) instead of killing them.</summary>
    public bool Partition { get; init; }
    /// <summary>Freeze the nodes (SIGSTOP) for <see cref="PauseSeconds"/>, then SIGCONT them, instead of killing them.</summary>
    public bool Pause { get; init; }
    public int PauseSeconds { get; init; } = 10;
    public int KillAtSeconds { get; init; } = 10;
    public int RestartAtSeconds { get; init; } = 40;
    public int DurationSeconds { get; init; } = 60;
    public int Concurrency { get; init; } = 16;
    public double ReadFraction { get; init; } = 0.5;
    public int Ids { get; init; } = 1000;
    public int ValueBytes { get; init; } = 100;
    public string Consistency { get; init; } = "QUORUM";
    public int BasePort { get; init; } = 27300;
    public int Seed { get; init; } = 11;
    public string OutputDirectory { get; init; } = "bench/results/node-failure";

    public static NodeFailureSettings Parse(Args a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var d = new NodeFailureSettings();
        bool pause = a.Has("--pause");
        // A pause is compared with the steady state before it, so it starts later: the first ~10 s are JIT warm-up.
        int killAt = a.GetInt("--kill-at", pause ? 20 : d.KillAtSeconds);
        int pauseSeconds = a.GetInt("--pause-seconds", d.PauseSeconds);
        var s = new NodeFailureSettings
        {
            Nodes = a.GetInt("--nodes", d.Nodes),
            ReplicationFactor = a.GetInt("--rf", d.ReplicationFactor),
            Kill = a.GetInt("--kill", d.Kill),
            Partition = a.Has("--partition"),
            Pause = pause,
            PauseSeconds = pauseSeconds,
            KillAtSeconds = killAt,
            // A paused node comes back by SIGCONT at the end of the pause, so that is its "restart".
            RestartAtSeconds = pause ? killAt + pauseSeconds : a.GetInt("--restart-at", d.RestartAtSeconds),
            DurationSeconds = a.GetInt("--duration", pause ? killAt + pauseSeconds + 20 : d.DurationSeconds),
            Concurrency = a.GetInt("--concurrency", d.Concurrency),
            ReadFraction = a.Get("--read-fraction") is { } r ? double.Parse(r, CultureInfo.InvariantCulture) : d.ReadFraction,
            Ids = a.GetInt("--ids", d.Ids),
            ValueBytes = a.GetInt("--value-bytes", d.ValueBytes),
            Consistency = (a.Get("--consistency") ?? d.Consistency).ToUpperInvariant(),
            BasePort = a.GetInt("--base-port", d.BasePort),
            Seed = a.GetInt("--seed", d.Seed),
            OutputDirectory = a.Get("--out") ?? d.OutputDirectory,
        };
        if (s.Nodes < 1 || s.ReplicationFactor < 1 || s.ReplicationFactor > s.Nodes) throw new ArgumentException("--rf must be 1..--nodes");
        if (s.Pause && s.Partition) throw new ArgumentException("--pause and --partition are different faults; pick one");
        if (s.Pause && s.PauseSeconds < 1) throw new ArgumentException("--pause-seconds must be positive");
        if (s.Kill < 1 || s.Kill >= s.Nodes) throw new ArgumentException("--kill must leave at least one node running");
        if (s.KillAtSeconds < 1 || s.RestartAtSeconds <= s.KillAtSeconds || s.DurationSeconds <= s.RestartAtSeconds)
            throw new ArgumentException("need 0 < --kill-at < --restart-at < --duration");
        if (s.Concurrency < 1 || s.Ids < 1 || s.ValueBytes < 8) throw new ArgumentException("--concurrency, --ids must be positive and --value-bytes at least 8");
        _ = Cluster.ClusterBenchSettings.ToProto(s.Consistency);
        return s;
    }

    /// <summary>The nodes that fail: the last ones, so node 0 (everyone's seed) stays up, as a seed usually does.</summary>
    public IReadOnlyList<int> Victims => [.. Enumerable.Range(Nodes - Kill, Kill)];

    /// <summary>The result folder: node-failure, node-failure-5n-kill2, node-failure-partition, ...</summary>
    public string ResultDirectory =>
        OutputDirectory + (Nodes != 3 ? $"-{Nodes}n" : "") + (Kill != 1 ? $"-kill{Kill}" : "") + (Partition ? "-partition" : "") + (Pause ? "-pause" : "");

    /// <summary>The fault's name in results: kill, partition or pause.</summary>
    public string Fault => Partition ? "partition" : Pause ? "pause" : "kill";
}

using System.Globalization;
using System.Text;
using Spectre.Console;

namespace RingStore.Bench.Cluster;

/// <summary>The cluster scenario's summary: a console table and a short markdown report beside the JSON.</summary>
public static class ClusterReport
{
    /// <summary>The issue's target: QUORUM writes per second across the cluster on this 2-core machine.</summary>
    public const double TargetQuorumWritesPerSecond = 40_000;

    public static void PrintTable(IReadOnlyList<ClusterMeasurement> measurements, string transport = "session")
    {
        ArgumentNullException.ThrowIfNull(measurements);
        var table = new Table().Title(transport == "native"
            ? "cluster: closed-loop native-protocol EXECUTEs, token-aware"
            : $"cluster: closed-loop gRPC requests ({transport}), round-robin over the nodes");
        table.AddColumns("consistency", "op", "concurrency", "ops/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "failed", "not found",
            "node CPU µs/op", "client CPU µs/op", "node alloc B/op", "alloc B/replica write", "node vol/invol switches/op", "load");
        foreach (var m in measurements)
        {
            table.AddRow(m.Consistency, m.Op, I(m.Concurrency), N(m.OpsPerSec), F(m.P50Ms), F(m.P99Ms), F(m.P999Ms), F(m.MaxMs), I(m.Failed),
                m.Op == "read" ? I(m.NotFound) : "", N(m.NodeCpuMicrosPerOp), N(m.ClientCpuMicrosPerOp), N(m.NodeAllocBytesPerOp),
                m.Op == "read" ? "" : N(m.NodeAllocBytesPerReplicaWrite), Switches(m), F(m.LoadAverage));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape(TargetLine(measurements)));
    }

    public static string TargetLine(IReadOnlyList<ClusterMeasurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        var best = measurements.Where(m => m.Consistency == "QUORUM" && m.Op == "write").MaxBy(m => m.OpsPerSec);
        if (best is null) return "target: no QUORUM write phase in this run.";
        string verdict = best.OpsPerSec >= TargetQuorumWritesPerSecond ? "met" : "not met";
        return string.Create(CultureInfo.InvariantCulture,
            $"target: >= {TargetQuorumWritesPerSecond:N0} QUORUM writes/s: best {best.OpsPerSec:N0}/s at concurrency {best.Concurrency} (p99 {best.P99Ms:0.0} ms): {verdict}.");
    }

    public static void WriteMarkdown(string path, IReadOnlyList<ClusterMeasurement> measurements, ClusterBenchSettings settings, string command)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        ArgumentNullException.ThrowIfNull(settings);
        var md = new StringBuilder();
        md.AppendLine("# cluster benchmark");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC. Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Command: `{command}`");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"{settings.Nodes} node processes, RF {settings.ReplicationFactor}, {settings.ValueBytes}-byte values, {settings.DurationSeconds} s per phase, one row per request, {(settings.Transport == "native" ? "prepared EXECUTEs over the CQL native protocol, each to its key's primary replica" : $"gRPC {settings.Transport} requests round-robin over the nodes")}; the benchmark client runs on the same cores as the nodes.");
        md.AppendLine();
        md.AppendLine("| consistency | op | concurrency | ops/s | p50 ms | p99 ms | p99.9 ms | failed | node CPU µs/op | client CPU µs/op | node alloc B/op | alloc B/replica write | node vol/invol switches/op | load avg |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var m in measurements)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {m.Consistency} | {m.Op} | {m.Concurrency} | {N(m.OpsPerSec)} | {F(m.P50Ms)} | {F(m.P99Ms)} | {F(m.P999Ms)} | {m.Failed} | {N(m.NodeCpuMicrosPerOp)} | {N(m.ClientCpuMicrosPerOp)} | {N(m.NodeAllocBytesPerOp)} | {(m.Op == "read" ? "" : N(m.NodeAllocBytesPerReplicaWrite))} | {Switches(m)} | {F(m.LoadAverage)} |");
        }
        md.AppendLine();
        md.AppendLine(TargetLine(measurements));
        md.AppendLine();
        md.AppendLine("CPU µs/op is the CPU time of all node processes (or of the client) during the phase divided by the requests completed; " +
            "2 cores give 2,000,000 µs per second, so 40,000 QUORUM writes/s leaves at most 50 µs per write for nodes and client together. " +
            "Node alloc B/op is the managed bytes all node processes allocated during the phase (each node's GC.GetTotalAllocatedBytes, from Status) per request; " +
            "per replica write divides the same bytes by the replica writes the nodes applied. Switches are the node threads' voluntary/nonvoluntary context switches (/proc) per request. " +
            "Load avg is the machine's 1-minute load at the end of the phase: above 2, other work shares the cores and throughput falls.");
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, md.ToString());
    }

    private static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Switches(ClusterMeasurement m) => $"{F(m.NodeVoluntarySwitchesPerOp)} / {F(m.NodeNonvoluntarySwitchesPerOp)}";

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}

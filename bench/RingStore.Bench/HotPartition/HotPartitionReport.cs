using System.Globalization;
using System.Text;
using RingStore.Bench.Plots;
using RingStore.Bench.Reports;
using Spectre.Console;

namespace RingStore.Bench.HotPartition;

/// <summary>The hot-partition outputs: hot-partition.json, throughput.png, latency.png, skew-*.png, report.md, and a console summary.</summary>
public static class HotPartitionReport
{
    public static void Write(string directory, HotPartitionResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        Directory.CreateDirectory(directory);
        ResultJson.Write(Path.Combine(directory, "hot-partition.json"), r);
        var points = r.Runs.SelectMany(run => run.Timeline.Select(p => (X: run.TimelineOffsetS + p.Second + 0.5, P: p))).ToList();
        var xs = points.Select(p => p.X).ToList();
        Charts.Lines(Path.Combine(directory, "throughput.png"), "hot-partition: throughput per run", "requests / s",
            [new PlotSeries("successful", xs, [.. points.Select(p => (double)p.P.Ops)]), new PlotSeries("failed", xs, [.. points.Select(p => (double)p.P.Failed)])], r.Events);
        Charts.Lines(Path.Combine(directory, "latency.png"), "hot-partition: latency per run", "ms",
            [new PlotSeries("p50", xs, [.. points.Select(p => p.P.P50Ms)]), new PlotSeries("p99", xs, [.. points.Select(p => p.P.P99Ms)])], r.Events);
        var groups = r.Comparison.Select(c => I($"e={c.Exponent:0.0}")).ToList();
        void Skew(string file, string what, Func<SkewFigures, double> pick) =>
            Charts.GroupedBars(Path.Combine(directory, file), $"hot-partition: {what} skew (max/avg over nodes)", "max / avg",
                groups, [("plain", [.. r.Comparison.Select(c => pick(c.Before))]), (I($"hot ids salted x{r.SaltCount}"), [.. r.Comparison.Select(c => pick(c.After))])]);
        Skew("skew-replica.png", "replica requests", f => f.Replica);
        Skew("skew-coordinator.png", "coordinator requests", f => f.Coordinator);
        Skew("skew-cpu.png", "CPU time", f => f.Cpu);
        File.WriteAllText(Path.Combine(directory, "report.md"), Markdown(r));
    }

    public static void PrintSummary(HotPartitionResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var table = new Table().Title("hot-partition: skew = max/avg over nodes");
        table.AddColumns("exponent", "mode", "ops/s", "p99 ms", "failed", "coord skew", "replica skew", "CPU skew", "read p99 skew", "write p99 skew", "hottest (cluster)", "missing", "wrong");
        foreach (var run in r.Runs)
        {
            table.AddRow(I($"{run.Exponent:0.0}"), run.Mode, I($"{run.OpsPerSec:N0}"), I($"{run.P99Ms:0.0}"), I($"{run.FailedRequests}"),
                I($"{run.Skew.Coordinator:0.00}"), I($"{run.Skew.Replica:0.00}"), I($"{run.Skew.Cpu:0.00}"), I($"{run.Skew.ReadP99:0.00}"), I($"{run.Skew.WriteP99:0.00}"),
                Markup.Escape(Hottest(run)), I($"{run.MissingWrites}"), I($"{run.WrongValues}"));
        }
        AnsiConsole.Write(table);
    }

    private static string Hottest(HotPartitionRun run) =>
        run.TopPartitionsCluster.FirstOrDefault(e => e.Kind == "write") is { } w ? I($"({w.PartitionKey}) {w.Count:N0} writes") : "-";

    private static string Markdown(HotPartitionResult r)
    {
        var md = new StringBuilder();
        md.AppendLine("# hot-partition");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Date: {r.Run.Date}. Machine: {r.Run.Machine}. Load average {r.Run.LoadAverageAtStart:0.0} at the start, {r.Run.LoadAverageAtEnd:0.0} at the end (the machine is shared).");
        md.AppendLine(CultureInfo.InvariantCulture, $"Command: `{r.Run.Command}`");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"{r.Nodes} nodes, RF {r.Rf}, {r.Consistency}; {r.Concurrency} closed loops through the SDK (token-aware); time-series rows on partitions (id, time_bucket), ids Zipfian over {r.Ids:N0}, {r.ReadFraction:P0} range reads; {r.DurationS:0} s per run. " +
            $"Salted runs: the {r.HotKeys} hottest ids of the plain run, as the nodes' top-partition sketches rank them, split into {r.SaltCount} sub-partitions (writes to one, reads fan out and merge).");
        md.AppendLine();
        md.AppendLine("| exponent | mode | ops/s | p50 ms | p99 ms | failed | coordinator skew | replica skew | CPU skew | replica read p99 skew | replica write p99 skew | hottest partition (writes, cluster-wide) | acked writes | missing | wrong |");
        md.AppendLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |");
        foreach (var run in r.Runs)
        {
            md.AppendLine(I($"| {run.Exponent:0.0} | {run.Mode} | {run.OpsPerSec:N0} | {run.P50Ms:0.00} | {run.P99Ms:0.00} | {run.FailedRequests} | {run.Skew.Coordinator:0.00} | {run.Skew.Replica:0.00} | {run.Skew.Cpu:0.00} | {run.Skew.ReadP99:0.00} | {run.Skew.WriteP99:0.00} | {Hottest(run)} | {run.AckedWrites:N0} | {run.MissingWrites} | {run.WrongValues} |"));
        }
        md.AppendLine();
        md.AppendLine("![skew of replica requests](skew-replica.png)");
        md.AppendLine("![skew of coordinator requests](skew-coordinator.png)");
        md.AppendLine("![skew of CPU](skew-cpu.png)");
        md.AppendLine("![throughput](throughput.png)");
        md.AppendLine("![latency](latency.png)");
        foreach (var run in r.Runs)
        {
            md.AppendLine();
            md.AppendLine(I($"## e={run.Exponent:0.0} {run.Mode}") + (run.SaltedIds.Count > 0 ? " (salted ids " + string.Join(", ", run.SaltedIds) + ")" : ""));
            md.AppendLine();
            md.AppendLine("| node | coordinator requests | replica reads | replica writes | CPU s | replica read p99 ms | replica write p99 ms |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var n in run.PerNode)
                md.AppendLine(I($"| {n.Node} | {n.CoordinatorRequests:N0} | {n.ReplicaReads:N0} | {n.ReplicaWrites:N0} | {n.CpuSeconds:0.0} | {n.ReadP99Ms:0.00} | {n.WriteP99Ms:0.00} |"));
            md.AppendLine();
            md.AppendLine("Hottest partitions as the cluster sees them (sketch counts summed over replicas; key = id, time_bucket, salt):");
            md.AppendLine();
            md.AppendLine("| kind | partition | count | error |");
            md.AppendLine("| --- | --- | ---: | ---: |");
            foreach (var e in run.TopPartitionsCluster.Where(e => e.Kind == "write").Take(5).Concat(run.TopPartitionsCluster.Where(e => e.Kind == "read").Take(5)))
                md.AppendLine(I($"| {e.Kind} | {e.PartitionKey} | {e.Count:N0} | {e.Error:N0} |"));
        }
        return md.ToString();
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

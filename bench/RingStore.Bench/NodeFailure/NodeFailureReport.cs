using System.Globalization;
using System.Text;
using RingStore.Bench.Plots;
using RingStore.Bench.Reports;
using Spectre.Console;

namespace RingStore.Bench.NodeFailure;

/// <summary>The node-failure scenario's outputs: node-failure.json, throughput.png, latency.png, hints.png, report.md, and a console summary.</summary>
public static class NodeFailureReport
{
    public static void Write(string directory, NodeFailureResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        Directory.CreateDirectory(directory);
        ResultJson.Write(Path.Combine(directory, "node-failure.json"), r);
        var xs = r.Timeline.Select(p => p.Second + 0.5).ToList();
        Charts.Lines(Path.Combine(directory, "throughput.png"), Title(r) + ": throughput", "requests / s",
            [new PlotSeries("successful", xs, [.. r.Timeline.Select(p => (double)p.Ops)]), new PlotSeries("failed", xs, [.. r.Timeline.Select(p => (double)p.Failed)])], r.Events);
        Charts.Lines(Path.Combine(directory, "latency.png"), Title(r) + ": latency", "ms",
            [new PlotSeries("p50", xs, [.. r.Timeline.Select(p => p.P50Ms)]), new PlotSeries("p99", xs, [.. r.Timeline.Select(p => p.P99Ms)])], r.Events);
        if (r.HintsPendingTimeline.Count > 0)
        {
            Charts.Lines(Path.Combine(directory, "hints.png"), Title(r) + ": hints held for the failed node(s)", "hints pending",
                [new PlotSeries("pending", [.. r.HintsPendingTimeline.Select(h => h.AtS)], [.. r.HintsPendingTimeline.Select(h => (double)h.Pending)])], r.Events);
        }
        File.WriteAllText(Path.Combine(directory, "report.md"), Markdown(r));
    }

    public static string Title(NodeFailureResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return string.Create(CultureInfo.InvariantCulture, $"{r.Nodes} nodes RF {r.Rf} {r.Consistency}, {r.Fault} {r.Victims.Count}");
    }

    public static void PrintSummary(NodeFailureResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var table = new Table().Title(Markup.Escape(Title(r)));
        table.AddColumns("figure", "value");
        foreach (var (name, value) in Figures(r)) table.AddRow(Markup.Escape(name), Markup.Escape(value));
        AnsiConsole.Write(table);
    }

    private static List<(string, string)> Figures(NodeFailureResult r) =>
    [
        ("requests (writes / reads)", I($"{r.Writes + r.Reads:N0} ({r.Writes:N0} / {r.Reads:N0}), {r.OpsPerSec:N0}/s")),
        ("failed requests", I($"{r.FailedRequests}") + (r.FailuresByKind.Count > 0 ? " (" + string.Join(", ", r.FailuresByKind.Select(k => $"{k.Key} {k.Value}")) + ")" : "")),
        ("wrong reads of acknowledged writes", I($"{r.WrongReads}")),
        ("p50 / p99 ms before", I($"{r.Before.P50Ms:0.00} / {r.Before.P99Ms:0.00} ({r.Before.OpsPerSec:N0}/s)")),
        ("steady (second half before the fault): p50 / p99 ms", r.Steady is { } st ? I($"{st.P50Ms:0.00} / {st.P99Ms:0.00} ({st.OpsPerSec:N0}/s, {st.FromS:0}-{st.ToS:0} s)") : "n/a"),
        ("throughput during the fault / steady", r.ThroughputDuringFaultFraction is { } f ? I($"{f:P0} ({r.During.OpsPerSec:N0}/s, {r.During.FromS:0}-{r.During.ToS:0} s)") : "n/a"),
        ("until all marked it DOWN: ops/s (of steady), p50 / p99 ms", r.UntilMarkedDown is { } u ? I($"{u.OpsPerSec:N0}/s ({(r.Steady is { OpsPerSec: > 0 } st2 ? u.OpsPerSec / st2.OpsPerSec : 0):P0}), {u.P50Ms:0.00} / {u.P99Ms:0.00} ({u.FromS:0}-{u.ToS:0} s)") : "n/a"),
        ("p50 / p99 ms during", I($"{r.During.P50Ms:0.00} / {r.During.P99Ms:0.00} ({r.During.OpsPerSec:N0}/s)")),
        ("p50 / p99 ms after", I($"{r.After.P50Ms:0.00} / {r.After.P99Ms:0.00} ({r.After.OpsPerSec:N0}/s)")),
        ("s until every live node marked it DOWN", S(r.SecondsUntilAllMarkedDown) + " (" + string.Join(", ", r.SecondsUntilMarkedDown.Select(k => $"{k.Key} {S(k.Value)}")) + ")"),
        ("s until restarted node ready / marked UP", S(r.SecondsUntilRestartedNodeReady) + " / " + string.Join(", ", r.SecondsUntilMarkedUpAfterRestart.Select(k => $"{k.Key} {S(k.Value)}"))),
        ("hints stored / replayed / dropped (peak pending)", I($"{r.HintsStored} / {r.HintsReplayed} / {r.HintsDropped} ({r.HintsPendingPeak})")),
        ("s to drain hints after restart", S(r.HintDrainSeconds)),
        ("read repairs", I($"{r.ReadRepairs}")),
        ("node-side unavailables / write timeouts / read timeouts", I($"{r.Unavailables} / {r.WriteTimeouts} / {r.ReadTimeouts}")),
        ("read-back: acked writes, copies checked", I($"{r.ReadBack.AckedWrites:N0}, {r.ReadBack.ReplicaCopiesChecked:N0}")),
        ("read-back: copies missing / wrong values", I($"{r.ReadBack.ReplicaCopiesMissing} / {r.ReadBack.WrongValues}")),
        ("read-back: writes not on every replica", I($"{r.ReadBack.WritesNotOnEveryReplica}")),
        ("SDK attempts sent / requests issued (extra: retries + speculative)", r.AttemptsSent is { } at ? I($"{at:N0} / {r.RequestsIssued:N0} ({r.ExtraAttempts:N0})") : "n/a"),
        ("QUORUM read-back: partitions, rows, writes issued / acked", r.QuorumReadBack is { } q ? I($"{q.Partitions:N0}, {q.RowsRead:N0}, {q.WritesIssued:N0} / {q.AckedWrites:N0}") : "n/a"),
        ("QUORUM read-back: acked missing or wrong / unexpected rows / wrong values / duplicate rows", r.QuorumReadBack is { } q2 ? I($"{q2.AckedMissingOrWrong} / {q2.UnexpectedRows} / {q2.WrongValues} / {q2.DuplicateRows}") : "n/a"),
        ("QUORUM read-back: unacknowledged writes that landed, partitions unread", r.QuorumReadBack is { } q3 ? I($"{q3.UnacknowledgedWritesThatLanded}, {q3.PartitionsUnread}") : "n/a"),
        ("lost writes (missing at QUORUM or on no replica)", I($"{r.LostWrites}")),
    ];

    private static string Markdown(NodeFailureResult r)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# node-failure: {Title(r)}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Date: {r.Run.Date}. Machine: {r.Run.Machine}. Load average {r.Run.LoadAverageAtStart:0.0} at the start, {r.Run.LoadAverageAtEnd:0.0} at the end (the machine is shared).");
        md.AppendLine(CultureInfo.InvariantCulture, $"Command: `{r.Run.Command}`");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"{r.Concurrency} closed loops through the SDK (token-aware), {r.ReadFraction:P0} reads of earlier acknowledged writes (checked), the rest new rows, all at {r.Consistency}. " +
            $"{r.Fault switch { "kill" => "SIGKILL", "pause" => "SIGSTOP", _ => "network partition of" }} {string.Join(", ", r.Victims.Select(v => $"node{v}"))} at {r.KillAtS:0.0} s, " +
            $"{r.Fault switch { "kill" => "restart", "pause" => "SIGCONT", _ => "heal" }} at {r.RestartAtS:0.0} s.");
        if (r.PartitionAvailability is { } p) md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Partition: {p}.");
        md.AppendLine();
        md.AppendLine("| figure | value |");
        md.AppendLine("| --- | --- |");
        foreach (var (name, value) in Figures(r)) md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} |");
        md.AppendLine();
        md.AppendLine("![throughput](throughput.png)");
        md.AppendLine("![latency](latency.png)");
        if (r.HintsPendingTimeline.Count > 0) md.AppendLine("![hints](hints.png)");
        if (r.Error is { } e) md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Error: {e}");
        return md.ToString();
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string S(double? seconds) => seconds is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
}

using System.Globalization;
using System.Text;
using RingStore.Client.Protos;

namespace RingStore.Cli.Tools;

/// <summary><c>ringstore netstats</c> in nodetool's spirit: the node's mode, then one line per stream session. Pure.</summary>
public static class NetstatsFormatter
{
    private static readonly string[] Header = ["Operation", "Peer", "Direction", "Table", "Ranges", "Files", "Bytes", "MiB/s", "State"];

    public static string Format(NetstatsResponse netstats)
    {
        ArgumentNullException.ThrowIfNull(netstats);
        var sb = new StringBuilder();
        sb.Append("Mode: ").Append(netstats.Mode.Length > 0 ? netstats.Mode : "UNKNOWN").Append('\n');
        if (netstats.Sessions.Count == 0)
        {
            sb.Append("Not sending or receiving any streams.\n");
            return sb.ToString();
        }
        var rows = new List<string[]> { Header };
        foreach (var s in netstats.Sessions)
        {
            rows.Add([
                s.Operation,
                s.Peer,
                s.Direction,
                s.KeyspaceTable.Length > 0 ? s.KeyspaceTable : "*",
                string.Create(CultureInfo.InvariantCulture, $"{s.RangesDone}/{s.RangesTotal}"),
                // Entire-SSTable streaming: SSTables received whole of those offered ("-" when none was offered).
                s.FilesTotal > 0 ? string.Create(CultureInfo.InvariantCulture, $"{s.FilesDone}/{s.FilesTotal}") : "-",
                StatusFormatter.Bytes(s.BytesDone),
                s.MibPerSecond.ToString("0.0", CultureInfo.InvariantCulture),
                s.State,
            ]);
        }
        var widths = Enumerable.Range(0, Header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
            sb.Append(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd()).Append('\n');
        return sb.ToString();
    }

    /// <summary>One line of progress: <c>mode BOOT, 2 streams running, 12/256 ranges, 1.2 MiB</c>.</summary>
    public static string Summary(NetstatsResponse netstats)
    {
        ArgumentNullException.ThrowIfNull(netstats);
        string mode = $"mode {(netstats.Mode.Length > 0 ? netstats.Mode : "UNKNOWN")}";
        if (netstats.Sessions.Count == 0) return mode;
        int running = netstats.Sessions.Count(s => s.State == "running");
        long done = netstats.Sessions.Sum(s => s.RangesDone), total = netstats.Sessions.Sum(s => s.RangesTotal);
        long bytes = netstats.Sessions.Sum(s => s.BytesDone);
        return string.Create(CultureInfo.InvariantCulture,
            $"{mode}, {running} of {netstats.Sessions.Count} streams running, {done}/{total} ranges, {StatusFormatter.Bytes(bytes)} streamed");
    }
}

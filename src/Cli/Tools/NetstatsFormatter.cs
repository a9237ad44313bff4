using System.Globalization;
using System.Text;
using RingStore.Client.Protos;

namespace RingStore.Cli.Tools;

/// <summary><c>ringstore netstats</c> in nodetool's spirit: the node's mode, then one line per stream session, then its secondary indexes' builds. Pure.</summary>
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
            AppendIndexes(sb, netstats);
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
        AppendIndexes(sb, netstats);
        return sb.ToString();
    }

    private static readonly string[] IndexHeader = ["Table", "Index", "Column", "Build", "Entries built"];

    /// <summary>The node's secondary indexes: built, or the build's progress (fraction of the ring scanned), or its error.</summary>
    private static void AppendIndexes(StringBuilder sb, NetstatsResponse netstats)
    {
        if (netstats.Indexes.Count == 0) return;
        var rows = new List<string[]> { IndexHeader };
        foreach (var i in netstats.Indexes)
        {
            string build = i.Error.Length > 0 ? "failed: " + i.Error
                : i.Built ? "built"
                : string.Create(CultureInfo.InvariantCulture, $"building {i.Progress * 100:0.0}%");
            rows.Add([i.KeyspaceTable, i.Index, i.Column, build, i.EntriesBuilt.ToString(CultureInfo.InvariantCulture)]);
        }
        var widths = Enumerable.Range(0, IndexHeader.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        sb.Append("Secondary indexes:\n");
        foreach (var row in rows)
            sb.Append(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
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

using System.Globalization;
using System.Text;
using RingStore.Client.Protos;

namespace RingStore.Cli.Tools;

/// <summary>
/// <c>ringstore status</c> output in nodetool's shape: per datacenter a header, the legend, and one line per node
/// (<c>UN  127.0.0.1:7000  1.2 MiB  256  33.3%  host-id  rack1</c>). Pure.
/// </summary>
public static class StatusFormatter
{
    public static string Format(StatusResponse status, bool effectiveOwnership)
    {
        ArgumentNullException.ThrowIfNull(status);
        var sb = new StringBuilder();
        // A node that left the ring (decommissioned, removed) is no longer part of the cluster: nodetool does not list it.
        foreach (var dc in status.Nodes.Where(n => n.Node is not null && n.Node.Status != "LEFT").GroupBy(n => Or(n.Node.Datacenter, "dc1")).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            string title = $"Datacenter: {dc.Key}";
            sb.Append(title).Append('\n').Append(new string('=', title.Length)).Append('\n');
            sb.Append("Status=Up/Down\n|/ State=Normal/Leaving/Joining/Moving\n");
            var rows = new List<string[]>
            {
                new[] { "--", "Address", "Load", "Tokens", effectiveOwnership ? "Owns (effective)" : "Owns", "Host ID", "Rack" },
            };
            foreach (var n in dc.OrderBy(n => n.Node.Endpoint, StringComparer.Ordinal))
            {
                rows.Add([
                    StateCode(n.Node),
                    n.Node.Endpoint,
                    Bytes(n.LoadBytes),
                    (n.TokenCount > 0 ? n.TokenCount : n.Node.Tokens.Count).ToString(CultureInfo.InvariantCulture),
                    (n.Ownership * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%",
                    n.Node.HostId,
                    Or(n.Node.Rack, "rack1"),
                ]);
            }
            var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
            foreach (var row in rows)
                sb.Append(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd()).Append('\n');
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// Two letters as nodetool: U/D from the failure detector, then N(ormal), J(oining: BOOT), L(eaving: LEAVING, or
    /// REMOVING while its ranges are re-replicated), M(oving). A node that shut down is DN.
    /// </summary>
    public static string StateCode(NodeDescription node)
    {
        ArgumentNullException.ThrowIfNull(node);
        char up = node.Liveness == "UP" ? 'U' : 'D';
        char state = node.Status switch
        {
            "NORMAL" or "shutdown" => 'N',
            "BOOT" => 'J',
            "LEAVING" or "REMOVING" or "LEFT" => 'L',
            "MOVING" => 'M',
            _ => '?',
        };
        return $"{up}{state}";
    }

    /// <summary>Binary units as nodetool prints them: <c>512 B</c>, <c>1.2 KiB</c>, <c>3.4 MiB</c>.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0
            ? $"{bytes.ToString(CultureInfo.InvariantCulture)} B"
            : $"{value.ToString("0.##", CultureInfo.InvariantCulture)} {units[unit]}";
    }

    private static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;
}

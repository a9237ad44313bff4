using System.Globalization;
using System.Text;
using RingStore.Client.Protos;

namespace RingStore.Cli.Tools;

/// <summary><c>ringstore ring</c>: every vnode token in ring order with the node that owns it (nodetool ring). Pure.</summary>
public static class RingFormatter
{
    public static string Format(DescribeRingResponse ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        var entries = ring.Nodes.SelectMany(n => n.Tokens.Select(t => (Token: t, Node: n))).OrderBy(e => e.Token).ToList();
        int addressWidth = Math.Max("Address".Length, entries.Count == 0 ? 0 : entries.Max(e => e.Node.Endpoint.Length));
        int rackWidth = Math.Max("Rack".Length, entries.Count == 0 ? 0 : entries.Max(e => e.Node.Rack.Length));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{"Address".PadRight(addressWidth)}  {"Rack".PadRight(rackWidth)}  Status  State    Token\n");
        foreach (var (token, node) in entries)
        {
            string status = node.Liveness == "UP" ? "Up" : "Down";
            string state = node.Status == "NORMAL" ? "Normal" : node.Status;
            sb.Append(CultureInfo.InvariantCulture,
                $"{node.Endpoint.PadRight(addressWidth)}  {node.Rack.PadRight(rackWidth)}  {status,-6}  {state,-7}  {token}\n");
        }
        return sb.ToString();
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RingStore.Node.Hosting;

/// <summary>
/// The node's addresses as the rest of the node uses them: IP literals. Operators may write host names for the
/// listen, broadcast and rpc addresses, for seeds and for <c>--replace</c>; <see cref="Resolve"/> looks each up once,
/// at start (so gossip, system.peers and every peer carry the same literal, and a DNS change later moves nothing),
/// preferring an IPv4 address when a name has both. A name that does not resolve stops the start with its setting.
/// </summary>
public static class NodeAddresses
{
    /// <summary>0.0.0.0 or ::, "every interface": fine to bind to, meaningless to advertise.</summary>
    public static bool IsWildcard(string? address) =>
        IPAddress.TryParse(address, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any));

    /// <summary>"host:port" as the node writes endpoints everywhere (gossip, status, system tables).</summary>
    public static string Endpoint(string host, int port) => $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// A seed as an operator writes it: <c>host</c>, <c>host:port</c>, <c>[v6]</c> or <c>[v6]:port</c> (an IPv6 literal
    /// without port needs its brackets; unbracketed, the last colon is the port, as in the node's own endpoints).
    /// The port defaults to <paramref name="defaultPort"/> (this node's internode port, as Cassandra's storage_port).
    /// </summary>
    public static (string Host, int Port) ParseSeed(string text, int defaultPort)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        text = text.Trim();
        string host;
        string? port = null;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) throw new FormatException($"Seed '{text}': '[' without ']'.");
            host = text[1..close];
            string rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') throw new FormatException($"Seed '{text}': expected ':port' after ']'.");
                port = rest[1..];
            }
        }
        else
        {
            int colon = text.LastIndexOf(':');
            host = colon < 0 ? text : text[..colon];
            port = colon < 0 ? null : text[(colon + 1)..];
        }
        if (host.Length == 0) throw new FormatException($"Seed '{text}' has no host.");
        int p = defaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out p) || p is <= 0 or > 65535))
            throw new FormatException($"Seed '{text}': '{port}' is not a TCP port.");
        return (host, p);
    }

    /// <summary>Replaces every host name in the address settings, seeds and replace target by its IP literal.</summary>
    /// <param name="lookup">DNS (<see cref="Dns.GetHostAddresses(string)"/>); tests pass a table.</param>
    public static void Resolve(NodeOptions options, Func<string, IPAddress[]>? lookup = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        lookup ??= Dns.GetHostAddresses;
        options.ListenAddress = ResolveHost(options.ListenAddress, "ListenAddress", lookup);
        options.BroadcastAddress = ResolveHost(options.BroadcastAddress, "BroadcastAddress", lookup);
        options.RpcAddress = ResolveHost(options.RpcAddress, "RpcAddress", lookup);
        options.BroadcastRpcAddress = ResolveHost(options.BroadcastRpcAddress, "BroadcastRpcAddress", lookup);
        options.Seeds = string.Join(',', options.SeedList().Select(seed =>
        {
            var (host, port) = ParseSeed(seed, options.InternodePort);
            return Endpoint(ResolveHost(host, $"Seeds ({seed})", lookup), port);
        }));
        // --replace names a host id or the dead node's internode endpoint, which may be written as a name too.
        if (!string.IsNullOrWhiteSpace(options.Replace) && !Guid.TryParse(options.Replace, out _))
        {
            var (host, port) = ParseSeed(options.Replace, options.InternodePort);
            options.Replace = Endpoint(ResolveHost(host, "Replace", lookup), port);
        }
    }

    private static string ResolveHost(string host, string setting, Func<string, IPAddress[]> lookup)
    {
        if (string.IsNullOrWhiteSpace(host)) return "";
        host = host.Trim();
        if (IPAddress.TryParse(host, out var literal)) return literal.ToString();
        IPAddress[] found;
        try
        {
            found = lookup(host);
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException($"RingStore:{setting}: host name '{host}' does not resolve ({e.Message}).", e);
        }
        // IPv4 first: the usual deployment, and what "localhost" should mean for a node configured as today.
        var address = found.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? found.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6)
            ?? throw new InvalidOperationException($"RingStore:{setting}: host name '{host}' has no IP address.");
        return address.ToString();
    }
}

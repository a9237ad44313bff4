using System.Collections.Concurrent;
using System.Globalization;
using System.Net;

namespace RingStore.Node.Messaging;

/// <summary>
/// A node's internode endpoint. Peers are identified by the address they listen on (sent in the Hello),
/// not by the ephemeral port of the socket they connect from, so a reply always goes to a reachable place.
/// </summary>
public sealed record PeerAddress(string Host, int Port)
{
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Resolves the host to an IP address without DNS: the cluster is configured with literal addresses.</summary>
    public IPEndPoint ToEndPoint()
    {
        var ip = string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Parse(Host);
        return new IPEndPoint(ip, Port);
    }

    /// <summary>Addresses parsed before: coordinators parse a replica's endpoint string on every request they send.</summary>
    private static readonly ConcurrentDictionary<string, PeerAddress> Parsed = new(StringComparer.Ordinal);

    /// <summary>Bounds <see cref="Parsed"/>: a cluster has far fewer endpoints; past this, addresses are parsed each time.</summary>
    private const int MaxParsed = 4096;

    /// <summary>
    /// Parses "host:port" (or "[v6]:port"). The same text gives the same (immutable) instance, so the hot paths that
    /// turn a replica's endpoint into an address per request allocate nothing.
    /// </summary>
    public static PeerAddress Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (Parsed.TryGetValue(text, out var known)) return known;
        var parsed = ParseNew(text);
        if (Parsed.Count < MaxParsed) Parsed.TryAdd(text, parsed);
        return parsed;
    }

    private static PeerAddress ParseNew(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new FormatException($"Expected host:port, got '{text}'.");
        }

        var host = text[..colon].Trim('[', ']');
        var port = int.Parse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture);
        return new PeerAddress(host, port);
    }
}

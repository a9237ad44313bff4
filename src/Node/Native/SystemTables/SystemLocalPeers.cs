using System.Globalization;
using System.Net;
using RingStore.Gossip.State;
using RingStore.Node.Cluster;
using RingStore.Node.Hosting;
using static RingStore.Node.Native.SystemTables.SystemColumns;
using RingStore.Gossip.Ring;

namespace RingStore.Node.Native.SystemTables;

/// <summary>
/// system.local, system.peers and system.peers_v2 from the node's identity and gossip: what drivers read on connect
/// to find the other nodes (native address and port), their datacenter, rack and tokens (token-aware routing) and
/// their schema versions (schema agreement after DDL).
/// </summary>
public static class SystemLocalPeers
{
    /// <summary>Drivers parse it; "4.0.0" selects their Cassandra 4 schema parser (system_schema tables).</summary>
    public const string ReleaseVersion = "4.0.0-ringstore";
    public const string CqlVersion = "3.4.5";
    public const string Partitioner = "org.apache.cassandra.dht.Murmur3Partitioner";

    public static SystemTableData Local(SystemTableSources node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var options = node.Options;
        // What drivers connect to: broadcast (internode identity, the "peer" other nodes list) and broadcast rpc
        // (native). listen_address is the bound one, or the broadcast one when the node binds every interface.
        var broadcast = Address(options.EffectiveBroadcastAddress);
        var listen = NodeAddresses.IsWildcard(options.ListenAddress) ? broadcast : Address(options.ListenAddress);
        var rpc = Address(options.EffectiveBroadcastRpcAddress);
        var columns = new[]
        {
            Text("key"), Text("bootstrapped"), Inet("broadcast_address"), Int("broadcast_port"), Text("cluster_name"),
            Text("cql_version"), Text("data_center"), Int("gossip_generation"), Uuid("host_id"), Inet("listen_address"),
            Int("listen_port"), Text("native_protocol_version"), Text("partitioner"), Text("rack"), Text("release_version"),
            Inet("rpc_address"), Int("rpc_port"), Int("native_port"), Uuid("schema_version"), Of("tokens", TextSet),
        };
        object?[] row =
        [
            "local", "COMPLETED", broadcast, options.InternodePort, options.ClusterName,
            CqlVersion, options.Datacenter, node.Identity.LastGeneration, node.Identity.HostId, listen,
            options.InternodePort, "4", Partitioner, options.Rack, ReleaseVersion,
            rpc, options.NativePort, options.NativePort, node.Schema.Current.Version, Tokens(node.Identity.Tokens),
        ];
        return new SystemTableData(columns, [row]);
    }

    public static SystemTableData Peers(SystemTableSources node, bool v2)
    {
        ArgumentNullException.ThrowIfNull(node);
        var columns = v2
            ? new[]
            {
                Inet("peer"), Int("peer_port"), Text("data_center"), Uuid("host_id"), Inet("native_address"), Int("native_port"),
                Inet("preferred_ip"), Int("preferred_port"), Text("rack"), Text("release_version"), Uuid("schema_version"), Of("tokens", TextSet),
            }
            : new[]
            {
                Inet("peer"), Text("data_center"), Uuid("host_id"), Inet("preferred_ip"), Text("rack"), Text("release_version"),
                Inet("rpc_address"), Uuid("schema_version"), Of("tokens", TextSet),
            };
        var rows = new List<object?[]>();
        foreach (var member in Peers(node))
        {
            var (peerHost, peerPort) = Split(member.Endpoint);
            var (nativeHost, nativePort) = Split(member.NativeAddress!);
            Guid? schema = Guid.TryParse(member.SchemaVersion, out var s) ? s : null;
            var tokens = member.Tokens.Select(t => t.Value.ToString(CultureInfo.InvariantCulture)).ToList();
            rows.Add(v2
                ? [peerHost, peerPort, member.Datacenter, member.HostId, nativeHost, nativePort, peerHost, peerPort, member.Rack, ReleaseVersion, schema, tokens]
                : [peerHost, member.Datacenter, member.HostId, peerHost, member.Rack, ReleaseVersion, nativeHost, schema, tokens]);
        }
        return new SystemTableData(columns, rows);
    }

    /// <summary>
    /// The other ring members a driver can use: with a host id, tokens and a native address, not gone from the ring.
    /// Down members stay listed (as in Cassandra), so the token map is whole and drivers mark them down themselves.
    /// </summary>
    public static IEnumerable<MemberInfo> Peers(SystemTableSources node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var membership = node.Membership;
        return membership.Members.Where(m =>
            m.Endpoint != membership.LocalEndpoint && m.HostId != Guid.Empty && m.NativeAddress is not null && m.Tokens.Count > 0 &&
            m.Status is not (NodeStatus.Left or NodeStatus.Removed));
    }

    public static (IPAddress Host, int Port) Split(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        int colon = endpoint.LastIndexOf(':');
        return (Address(endpoint[..colon]), int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture));
    }

    private static IPAddress Address(string host) =>
        IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).First();

    private static List<string> Tokens(IEnumerable<long> tokens) => tokens.Select(t => t.ToString(CultureInfo.InvariantCulture)).ToList();
}

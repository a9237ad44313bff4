using RingStore.Gossip.Ring;
using RingStore.Node.Hosting;
using RingStore.Node.Schema;

namespace RingStore.Node.Native.SystemTables;

/// <summary>
/// What the virtual system tables are built from: the node's settings (addresses, ports, cluster, datacenter), its
/// current identity (host id, tokens, generation), its schema and its membership. The host wires them.
/// </summary>
public sealed record SystemTableSources(NodeOptions Options, Func<NodeIdentity> CurrentIdentity, SchemaManager Schema,
    Func<MembershipSnapshot> CurrentMembership)
{
    public NodeIdentity Identity => CurrentIdentity();

    public MembershipSnapshot Membership => CurrentMembership();
}

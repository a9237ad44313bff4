using RingStore.Gossip.Protocol;
using RingStore.Node.Cluster;
using RingStore.Node.Native.SystemTables;
using RingStore.Node.Schema;
using RingStore.Gossip.Ring;

namespace RingStore.Node.Native;

/// <summary>
/// EVENT frames (stream -1) from gossip and schema changes: STATUS_CHANGE UP/DOWN, TOPOLOGY_CHANGE NEW_NODE /
/// REMOVED_NODE (with the node's native address, which is how drivers know hosts) and SCHEMA_CHANGE per keyspace
/// and table created or dropped. Pure: an event in, (type, frame) pairs out.
/// </summary>
public static class NativeEvents
{
    public static IEnumerable<(string Type, byte[] Frame)> FromGossip(GossipEvent e, MembershipSnapshot membership)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(membership);
        if (membership.Find(e.Endpoint)?.NativeAddress is not { } native) yield break;
        var (host, port) = SystemLocalPeers.Split(native);
        (string Type, string Change)? what = e.Kind switch
        {
            GossipEventKind.Up or GossipEventKind.Restarted => ("STATUS_CHANGE", "UP"),
            GossipEventKind.Down => ("STATUS_CHANGE", "DOWN"),
            GossipEventKind.Joined => ("TOPOLOGY_CHANGE", "NEW_NODE"),
            GossipEventKind.Left or GossipEventKind.Removed => ("TOPOLOGY_CHANGE", "REMOVED_NODE"),
            _ => null,
        };
        if (what is not { } w) yield break;
        yield return (w.Type, Frame(w.Type, b =>
        {
            b.WriteString(w.Change);
            b.WriteInet(host, port);
        }));
    }

    public static IEnumerable<(string Type, byte[] Frame)> FromSchema(SchemaChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var before = change.Before;
        var after = change.After;
        var changes = new List<NativeSchemaChange>();
        foreach (var k in after.Keyspaces.Where(k => !before.TryGetKeyspace(k.Name, out _))) changes.Add(new("CREATED", "KEYSPACE", k.Name, null));
        foreach (var t in after.Tables.Where(t => !before.TryGetTable(t.Keyspace, t.Name, out _))) changes.Add(new("CREATED", "TABLE", t.Keyspace, t.Name));
        foreach (var t in before.Tables.Where(t => !after.TryGetTable(t.Keyspace, t.Name, out _))) changes.Add(new("DROPPED", "TABLE", t.Keyspace, t.Name));
        // CREATE/DROP INDEX changes a table's indexes (Cassandra announces it as an updated table).
        foreach (var t in after.Tables.Where(t => before.TryGetTable(t.Keyspace, t.Name, out var old) && old.Id == t.Id
            && !old.Options.Indexes.SequenceEqual(t.Options.Indexes))) changes.Add(new("UPDATED", "TABLE", t.Keyspace, t.Name));
        foreach (var k in before.Keyspaces.Where(k => !after.TryGetKeyspace(k.Name, out _))) changes.Add(new("DROPPED", "KEYSPACE", k.Name, null));
        return changes.Select(c => ("SCHEMA_CHANGE", Frame("SCHEMA_CHANGE", b => NativeResultEncoder.SchemaChangeBody(b, c))));
    }

    private static byte[] Frame(string type, Action<NativeWriter> content) => NativeFrame.Response(-1, NativeOpcode.Event, w =>
    {
        w.WriteString(type);
        content(w);
    });
}

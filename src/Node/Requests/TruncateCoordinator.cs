using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Node.Cluster;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Storage.Engine;
using RingStore.Gossip.Ring;

namespace RingStore.Node.Requests;

/// <summary>
/// TRUNCATE as Cassandra does it: every node of the ring drops all data of the table (not a tombstone, so a
/// write with an old timestamp after the truncate is still kept). All nodes must be alive, else Unavailable and
/// nothing is sent; a node that fails or does not answer in time makes the truncate fail (some nodes may already
/// have truncated, as in Cassandra, and the client may simply retry).
/// </summary>
public sealed class TruncateCoordinator(StorageEngine engine, IMessagingService messaging, Func<MembershipSnapshot> membership, TimeSpan timeout)
{
    public async Task TruncateAsync(string table, CancellationToken ct)
    {
        var snapshot = membership();
        var nodes = snapshot.Ring.Topology.Nodes.Select(n => n.Endpoint).Append(snapshot.LocalEndpoint).Distinct(StringComparer.Ordinal).ToList();
        int alive = nodes.Count(snapshot.IsAlive);
        if (alive < nodes.Count) throw new UnavailableException(ConsistencyLevel.All, nodes.Count, alive);

        var payload = CoordinationMessageSerializer.Serialize(new TruncateMessage(CoordinationMessageSerializer.CurrentVersion, table));
        int acknowledged = 0;
        async Task TruncateOn(string endpoint)
        {
            if (endpoint == snapshot.LocalEndpoint) await engine.TruncateAsync(table, ct).ConfigureAwait(false);
            else await messaging.SendRequestAsync(PeerAddress.Parse(endpoint), Verb.Truncate, payload, timeout, ct).ConfigureAwait(false);
            Interlocked.Increment(ref acknowledged);
        }
        try
        {
            await Task.WhenAll(nodes.Select(TruncateOn)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException)
        {
            throw new WriteTimeoutException(ConsistencyLevel.All, Volatile.Read(ref acknowledged), nodes.Count);
        }
    }
}

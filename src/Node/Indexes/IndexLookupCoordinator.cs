using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Coordination;
using RingStore.Gossip.Ring;
using RingStore.Node.Messaging;
using RingStore.Node.Requests;
using RingStore.Storage.Engine;
using RingStore.Storage.Indexes;
using RingStore.Node.Cql;

namespace RingStore.Node.Indexes;

/// <summary>
/// The candidates of one token piece (one replica set) of an index query: asks as many live replicas of the piece as the
/// consistency level needs (the local one straight through the engine) and unions their hits. Why several: a write
/// acknowledged at W replicas put its index entry on exactly those, so only R replicas with R + W > N are sure to
/// include one that has it; the base rows are then read at the same level and re-checked, which removes whatever a
/// replica's index still points to but the newest data no longer holds. When a reply was cut by its limit, the union is
/// kept up to the earliest cut (every replica covered everything before it) and the next call resumes there.
/// </summary>
public sealed class IndexLookupCoordinator(ReplicaLookup lookup, Func<MembershipSnapshot> membership, StorageEngine engine,
    IMessagingService messaging, TimeSpan readTimeout)
{
    /// <summary>Hits of (from, pieceEnd] in ring order; Resume is where to continue (null: the piece is done).</summary>
    public async Task<IndexLookup> LookupPieceAsync(string keyspace, string table, string index, byte[] value, RangePosition from, long pieceEnd,
        ConsistencyLevel consistency, int limit, int attempt, CancellationToken ct)
    {
        var strategy = lookup.Strategy(keyspace);
        var snapshot = membership();
        var ring = snapshot.For(strategy).Ring;
        if (ring.IsEmpty) throw new UnavailableException(consistency, 1, 0);
        var natural = ring.GetNaturalReplicas(new Token(pieceEnd), strategy);
        var plan = ReplicaPlanner.PlanRead(natural, snapshot.IsAlive, consistency, strategy, snapshot.LocalDatacenter,
            endpoint => endpoint == snapshot.LocalEndpoint ? -1 : 0);
        if (attempt > 0)
        {
            // A hedge or retry: prefer the replicas the first attempt did not ask.
            var first = plan.Contacts.Select(c => c.Endpoint).ToHashSet(StringComparer.Ordinal);
            plan = ReplicaPlanner.PlanRead(natural, snapshot.IsAlive, consistency, strategy, snapshot.LocalDatacenter,
                endpoint => !first.Contains(endpoint) ? 0 : endpoint == snapshot.LocalEndpoint ? 1 : 2);
        }
        var command = new IndexLookupCommandMessage(CoordinationMessageSerializer.CurrentVersion, table, index, value, from.Token.Value, from.Key,
            from.Clustering, pieceEnd, limit);
        var replies = await Task.WhenAll(plan.Contacts.Select(c => AskAsync(snapshot.LocalEndpoint, c.Endpoint, command, consistency, ct))).ConfigureAwait(false);
        return Union(replies);
    }

    private async Task<IndexLookupResponseMessage> AskAsync(string localEndpoint, string endpoint, IndexLookupCommandMessage command, ConsistencyLevel consistency,
        CancellationToken ct)
    {
        if (endpoint == localEndpoint) return IndexLookupVerbHandler.Answer(engine, command);
        try
        {
            var reply = await messaging.SendRequestAsync(PeerAddress.Parse(endpoint), Verb.IndexLookup, CoordinationMessageSerializer.Serialize(command),
                readTimeout, ct).ConfigureAwait(false);
            return CoordinationMessageSerializer.Deserialize<IndexLookupResponseMessage>(reply.Payload);
        }
        catch (RequestFailedException e)
        {
            // The replica's own error (an index still building, a corrupt SSTable) named, as read failures are.
            throw new ReadFailureException(consistency, 0, 1, false, new Dictionary<string, string> { [endpoint] = e.Message });
        }
        catch (RequestTimeoutException)
        {
            throw new ReadTimeoutException(consistency, 0, 1, false);
        }
    }

    /// <summary>The replies' hits, de-duplicated and in ring order, up to the earliest cut of a truncated reply (pure).</summary>
    public static IndexLookup Union(IReadOnlyList<IndexLookupResponseMessage> replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        IndexHit? cut = null;
        foreach (var r in replies.Where(r => r.Truncated))
        {
            var at = new IndexHit(r.ResumeToken, r.ResumeKey ?? [], r.ResumeClustering ?? []);
            if (cut is null || Compare(at, cut) < 0) cut = at;
        }
        var hits = replies.SelectMany(r => r.Hits).Select(h => new IndexHit(h.Token, h.PartitionKey, h.Clustering))
            .Where(h => cut is null || Compare(h, cut) <= 0)
            .Order(Comparer<IndexHit>.Create(Compare))
            .ToList();
        var distinct = new List<IndexHit>(hits.Count);
        foreach (var h in hits)
            if (distinct.Count == 0 || Compare(distinct[^1], h) != 0) distinct.Add(h);
        return new IndexLookup(distinct, cut is null ? null : new RangePosition(new Token(cut.Token), cut.PartitionKey, cut.Clustering));
    }

    /// <summary>Ring order: token, then key bytes, then clustering bytes (the index table's own order).</summary>
    public static int Compare(IndexHit a, IndexHit b)
    {
        int c = a.Token.CompareTo(b.Token);
        if (c != 0) return c;
        c = ByteOrder.Instance.Compare(a.PartitionKey, b.PartitionKey);
        return c != 0 ? c : ByteOrder.Instance.Compare(a.Clustering, b.Clustering);
    }
}

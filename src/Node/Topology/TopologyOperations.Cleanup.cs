using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using RingStore.Storage.Engine;

namespace RingStore.Node.Topology;

/// <summary>Totals of one cleanup over the tables it covered.</summary>
public sealed record CleanupTotals(long BytesBefore, long BytesAfter, long PartitionsDropped);

public sealed partial class TopologyOperations
{
    /// <summary>
    /// nodetool cleanup: drops, through the compaction path, the partitions of this node's SSTables that it is no
    /// longer a replica for (after other nodes joined). Ranges it is pending for count as owned. Refused while a
    /// topology change is running, since ownership is about to change.
    /// </summary>
    public async Task<CleanupTotals> CleanupAsync(string keyspace, string table, CancellationToken ct)
    {
        var membership = node.Membership;
        if (TopologyGuard.OperationInProgress(membership.Resolved.Members) is { } busy) throw new TopologyRefusedException(busy);
        var schema = node.Schema.Current;
        if (!string.IsNullOrEmpty(keyspace) && !schema.TryGetKeyspace(keyspace, out _))
            throw new Core.Errors.InvalidRequestException($"Keyspace '{keyspace}' does not exist.");
        var tables = schema.Tables.Where(t => (string.IsNullOrEmpty(keyspace) || t.Keyspace == keyspace) && (string.IsNullOrEmpty(table) || t.Name == table)).ToList();
        if (!string.IsNullOrEmpty(table) && tables.Count == 0) throw new Core.Errors.UnknownTableException($"{keyspace}.{table}");
        long before = 0, after = 0, dropped = 0;
        foreach (var t in tables)
        {
            ClusterSnapshot cluster = membership.For(node.Lookup.Strategy(t.Keyspace));
            var owned = OwnedRanges(cluster, node.Lookup.Strategy(t.Keyspace));
            CleanupResult result = await node.Engine.CleanupAsync(t.FullName, token => owned.Contains(token), ct).ConfigureAwait(false);
            before += result.BytesBefore;
            after += result.BytesAfter;
            dropped += result.PartitionsDropped;
        }
        return new CleanupTotals(before, after, dropped);
    }

    private OwnedTokenRanges OwnedRanges(ClusterSnapshot cluster, IReplicationStrategy strategy)
    {
        var ranges = new List<TokenRange>();
        RingSnapshot ring = cluster.Ring;
        for (int i = 0; i < ring.VnodeCount; i++)
        {
            if (ring.GetNaturalReplicas(ring.TokenAt(i), strategy).Any(n => n.Endpoint == Self)) ranges.Add(ring.RangeAt(i));
        }
        ranges.AddRange(cluster.Pending.RangesFor(Self));
        return new OwnedTokenRanges(ranges);
    }
}

/// <summary>A set of token ranges with a binary-searchable membership test (cleanup asks once per partition).</summary>
public sealed class OwnedTokenRanges
{
    private readonly (long Left, long Right)[] _pieces;

    public OwnedTokenRanges(IEnumerable<TokenRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var list = ranges.ToList();
        FullRing = list.Any(r => r.IsFullRing);
        var sorted = list.Where(r => !r.IsFullRing).SelectMany(r => r.Unwrap()).Select(r => (r.Left.Value, r.Right.Value)).OrderBy(p => p.Item1);
        // Natural and pending ranges may overlap or touch: merge them so the pieces are disjoint.
        var merged = new List<(long Left, long Right)>();
        foreach (var piece in sorted)
        {
            if (merged.Count > 0 && piece.Item1 <= merged[^1].Right)
                merged[^1] = (merged[^1].Left, Math.Max(merged[^1].Right, piece.Item2));
            else
                merged.Add(piece);
        }
        _pieces = [.. merged];
    }

    private bool FullRing { get; }

    public bool Contains(Token token)
    {
        if (FullRing) return true;
        long t = token.Value;
        // Pieces are (Left, Right], sorted by Left and non-overlapping: the candidate is the last piece with Left < t.
        int lo = 0, hi = _pieces.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_pieces[mid].Left < t) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found >= 0 && t <= _pieces[found].Right;
    }
}

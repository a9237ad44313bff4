using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Gossip.Ring;

namespace RingStore.Simulation;

/// <summary>
/// Joins and leaves (decommission) while clients write and faults strike, one change at a time as the product allows,
/// with the product's pure ring logic from src/Gossip/Ring: tokens from <see cref="BalancedTokenAllocator"/>, the
/// writes' extra targets from <see cref="PendingRangeCalculator"/> (the write driver plans natural + pending replicas,
/// as <c>WriteCoordinator</c> does), and what streams from <see cref="RangeMovements"/> with the product's default
/// source for joins and leaves: the replica that loses the range (<c>StreamPlanner</c>'s <c>LosingReplica</c>).
/// Streaming is a pull by the gaining node, page by page over the simulated network (the replica's token-range read,
/// what <c>RangeStreamer</c> pulls), applied through the gainer's own write path; a page lost to a crash, a partition
/// or a timeout is asked again from the same position (a resumable bootstrap). A join ends with the ring switched
/// to include the new node; a leave ends after the leaving node has handed its hints to their targets, with the
/// ring switched without it, the node stopped for good and every other node's hints for it deleted (as the node
/// does on a LEFT). Modelled, not the product's: the ring change is known to every node at once (no gossip
/// propagation delay), and the stream protocol is the simulator's (the product's streaming lives in Node).
/// </summary>
public sealed class SimTopology(SimCluster cluster)
{
    /// <summary>Rows per stream page (small, so a stream takes several round trips and faults can cut it).</summary>
    public const int StreamRowsPerPage = 8;

    private Change? _change;
    private int _attempt;

    public bool Busy => _change is not null;

    /// <summary>Starts a join of a new node; false if a change is running.</summary>
    public bool StartJoin()
    {
        if (_change is not null) return false;
        int number = cluster.Nodes.Count + 1;
        var info = new NodeInfo($"n{number}");
        var node = cluster.AddNode(info);
        var tokens = new BalancedTokenAllocator(cluster.Strategy).Allocate(cluster.Ring, info, cluster.Options.TokensPerNode);
        var member = new RingMember(info, [.. tokens]);
        var future = cluster.Ring.WithMember(member);
        cluster.SetPending(PendingRangeCalculator.Calculate(cluster.Ring, [member], [], cluster.Strategy));
        Begin(new Change(info.Endpoint, true, future, Movements(future, m => m.Target == info.Endpoint)));
        node.Start();
        cluster.Stats.Joins++;
        cluster.Log.Add(cluster.Scheduler.Now, -1, $"join {info.Endpoint} begins: {tokens.Count} tokens, {_change!.Pieces.Count} ranges to stream", isFault: true);
        return true;
    }

    /// <summary>Starts a decommission of a random ring member; false if a change runs or the ring would drop below RF nodes.</summary>
    public bool StartLeave(Random random)
    {
        if (_change is not null) return false;
        var members = cluster.Ring.Members.Select(m => m.Node.Endpoint).Order(StringComparer.Ordinal).ToList();
        if (members.Count <= cluster.Options.ReplicationFactor + 1) return false;
        // As the product refuses a decommission while a member is down.
        if (members.Any(e => !cluster.Node(e).IsRunning)) return false;
        string leaving = members[random.Next(members.Count)];
        var future = cluster.Ring.WithoutMember(leaving);
        cluster.SetPending(PendingRangeCalculator.Calculate(cluster.Ring, [], [leaving], cluster.Strategy));
        Begin(new Change(leaving, false, future, Movements(future, m => m.Losing.Contains(leaving))));
        cluster.Stats.Leaves++;
        cluster.Log.Add(cluster.Scheduler.Now, -1, $"decommission {leaving} begins: {_change!.Pieces.Count} ranges to stream", isFault: true);
        return true;
    }

    private List<Piece> Movements(RingSnapshot future, Func<RangeMovement, bool> which) =>
        [.. RangeMovements.Compute(cluster.Ring, future, cluster.Strategy).Where(which)
            .SelectMany(m => m.Range.Unwrap().Select(r => new Piece(m.Losing.FirstOrDefault() ?? m.Remaining[0], m.Target, r)))];

    private void Begin(Change change)
    {
        _change = change;
        if (cluster.Options.SkipStreaming) change.Next = change.Pieces.Count; // planted bug
        // Give gossip a few rounds to spread the new node's liveness before the first pull, as the node waits for everyone
        // to see its status; writes already go to the pending replica.
        cluster.Scheduler.After(cluster.Options.GossipInterval * 4, Step);
    }

    /// <summary>One step: the next page of the current piece, or the end of the change.</summary>
    private void Step()
    {
        var change = _change;
        if (change is null) return;
        if (change.Next >= change.Pieces.Count)
        {
            Finish(change);
            return;
        }
        var piece = change.Pieces[change.Next];
        var target = cluster.Node(piece.Target);
        var source = cluster.Node(piece.Source);
        if (!target.IsRunning || !source.IsRunning)
        {
            cluster.Scheduler.After(TimeSpan.FromMilliseconds(100), Step); // wait for both ends (a restart resumes here)
            return;
        }
        int attempt = ++_attempt;
        var after = change.Position ?? RangePosition.AfterToken(piece.Range.Left);
        target.Request(source.Endpoint, new SimRangeRequest(SimCluster.Table, after, piece.Range.Right.Value, StreamRowsPerPage), -1, (_, reply) =>
        {
            if (attempt != _attempt || _change != change) return;
            _attempt++;
            if (reply is not SimRangeResponse page)
            {
                cluster.Scheduler.After(TimeSpan.FromMilliseconds(50), Step);
                return;
            }
            foreach (var partition in page.Partitions)
            {
                if (!target.TryApply(ToUpdate(partition)))
                {
                    cluster.Scheduler.After(TimeSpan.FromMilliseconds(50), Step); // the gainer's disk failed: ask again
                    return;
                }
                cluster.Stats.StreamedPartitions++;
            }
            if (page.Resume is null)
            {
                change.Next++;
                change.Position = null;
            }
            else
            {
                change.Position = page.Resume;
            }
            cluster.Scheduler.After(TimeSpan.Zero, Step);
        });
        // The pull's own deadline: a lost page (or a crashed end) is asked again from the same position.
        cluster.Scheduler.After(cluster.Options.RequestTimeout * 2, () =>
        {
            if (attempt != _attempt || _change != change) return;
            _attempt++;
            Step();
        });
    }

    private void Finish(Change change)
    {
        var node = cluster.Node(change.Endpoint);
        if (!change.Join)
        {
            // The leaving node hands its hints to their targets first (every target alive by then, or we wait).
            if (!node.IsRunning || node.Hints.PendingCount > 0)
            {
                cluster.Scheduler.After(TimeSpan.FromMilliseconds(100), () => Finish(change));
                return;
            }
        }
        _change = null;
        cluster.SetRing(change.Future);
        cluster.SetPending(PendingRanges.None);
        if (change.Join)
        {
            cluster.Log.Add(cluster.Scheduler.Now, -1, $"join {change.Endpoint} done: it is a normal ring member", isFault: true);
            return;
        }
        cluster.Depart(node);
        cluster.Log.Add(cluster.Scheduler.Now, -1, $"decommission {change.Endpoint} done: it left the ring and stopped", isFault: true);
    }

    /// <summary>A streamed partition as a write with its original timestamps and tombstones.</summary>
    public static PartitionUpdate ToUpdate(MergedPartitionData partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        return new PartitionUpdate(SimCluster.Table, partition.Key, partition.PartitionDeletion, partition.RangeTombstones, partition.Rows);
    }

    private sealed record Piece(string Source, string Target, TokenRange Range);

    private sealed class Change(string endpoint, bool join, RingSnapshot future, List<Piece> pieces)
    {
        public string Endpoint { get; } = endpoint;
        public bool Join { get; } = join;
        public RingSnapshot Future { get; } = future;
        public List<Piece> Pieces { get; } = pieces;
        public int Next { get; set; }
        public RangePosition? Position { get; set; }
    }
}

using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Gossip.Ring;
using RingStore.Storage.Repair;

namespace RingStore.Simulation;

/// <summary>
/// Anti-entropy repair of one vnode range at a time, coordinated by one of its replicas: each replica validates (the
/// product's <see cref="RepairScan.BuildTree"/>: a Merkle tree of row digests over its engine, the same depth and
/// expiry instant everywhere), the coordinator compares the trees (<see cref="MerkleTree.Compare"/>), fetches every
/// replica's partitions in each differing leaf and writes each version to the other replicas through their write
/// path, original timestamps and tombstones kept, where the merge rule settles it. The coordinator then checks that
/// the repair converged: every replica holds, for each key of a differing leaf, at least the newest version fetched
/// (<see cref="Violation.RepairNotConverged"/>). A replica that is down, or a message lost, fails the repair (as
/// the product's repair fails the range); it is not retried. Needs the storage engine. Modelled: the exchange is
/// partition-level (the product's <c>RangeRepairer</c> in Node goes row by row, fetching each differing version once).
/// </summary>
public sealed class SimRepair(SimCluster cluster)
{
    /// <summary>Tree depth (2^depth leaves): deep enough that a leaf holds about one key of the small workload.</summary>
    public const int Depth = 6;

    private bool _running;

    /// <summary>Starts a repair of a random vnode range (if none runs and the run uses the engine).</summary>
    public void Start(Random random)
    {
        if (_running || !cluster.Options.RealStorage) return;
        var ring = cluster.Ring;
        var range = ring.RangeAt(random.Next(ring.VnodeCount));
        var replicas = ring.GetNaturalReplicas(range.Right, cluster.Strategy).Select(r => cluster.Node(r.Endpoint)).ToList();
        Run(range, replicas, replicas[random.Next(replicas.Count)], _ => { });
    }

    /// <summary>
    /// Every vnode range of the ring, one after another (what an operator runs after ring changes: a hint owed to a
    /// replica that then lost the range reaches that replica, not the range's new owner). A range that fails (a
    /// replica down) is tried again after a pause; <paramref name="done"/> runs when every range was repaired.
    /// </summary>
    public void RepairAll(Action done)
    {
        if (!cluster.Options.RealStorage)
        {
            done();
            return;
        }
        var ring = cluster.Ring;
        int next = 0;
        void Next()
        {
            if (next == ring.VnodeCount)
            {
                done();
                return;
            }
            var range = ring.RangeAt(next);
            var replicas = ring.GetNaturalReplicas(range.Right, cluster.Strategy).Select(r => cluster.Node(r.Endpoint)).ToList();
            if (_running || replicas.Any(r => !r.IsRunning))
            {
                cluster.Scheduler.After(TimeSpan.FromMilliseconds(100), Next);
                return;
            }
            Run(range, replicas, replicas[0], ok =>
            {
                if (ok) next++;
                cluster.Scheduler.After(ok ? TimeSpan.Zero : TimeSpan.FromMilliseconds(100), Next);
            });
        }
        Next();
    }

    private void Run(TokenRange range, List<SimNode> replicas, SimNode coordinator, Action<bool> finished)
    {
        if (replicas.Any(r => !r.IsRunning)) return; // repair refuses to start with a replica down
        _running = true;
        cluster.Stats.Repairs++;
        int nowSeconds = cluster.NowSeconds;
        var pieces = range.Unwrap().Select(p => (p.Left.Value, p.Right.Value)).Where(p => p.Item1 < p.Item2).ToList();
        cluster.Log.Add(cluster.Scheduler.Now, -1, $"repair of {range} via {coordinator.Endpoint} with {string.Join(',', replicas.Select(r => r.Endpoint))} begins", isFault: true);
        var started = cluster.Scheduler.Now;
        int next = 0;

        bool over = false;
        void Done(string outcome)
        {
            if (over) return;
            over = true;
            _running = false;
            cluster.Log.Add(cluster.Scheduler.Now, -1, $"repair of {range} via {coordinator.Endpoint}: {outcome}", isFault: true);
            finished(outcome == "done");
        }

        void NextPiece()
        {
            if (next == pieces.Count)
            {
                Done("done");
                return;
            }
            var (start, end) = pieces[next++];
            Ask(coordinator, replicas, new SimValidateRequest(start, end, Depth), Done, replies =>
            {
                var trees = replies.Select(r => ((SimValidateResponse)r).Tree).ToList();
                var differing = Enumerable.Range(0, trees[0].LeafCount).Where(i => trees.Skip(1).Any(t => t.Leaves[i] != trees[0].Leaves[i])).ToList();
                ExchangeLeaves(coordinator, replicas, trees[0], differing, 0, started, nowSeconds, Done, NextPiece);
            });
        }
        NextPiece();
    }

    /// <summary>One differing leaf after another: fetch every replica's partitions, send each version to the others, check.</summary>
    private void ExchangeLeaves(SimNode coordinator, List<SimNode> replicas, MerkleTree tree, List<int> differing, int index, TimeSpan started,
        int nowSeconds, Action<string> fail, Action next)
    {
        if (index == differing.Count)
        {
            next();
            return;
        }
        var (start, end) = tree.LeafRange(differing[index]);
        Ask(coordinator, replicas, new SimRepairFetch(start, end), fail, replies =>
        {
            var versions = replies.Select(r => ((SimRepairFetchResponse)r).Partitions).ToList();
            var sends = new List<(SimNode Target, MergedPartitionData Partition)>();
            for (int from = 0; from < replicas.Count; from++)
            {
                foreach (var partition in versions[from])
                {
                    for (int to = 0; to < replicas.Count; to++)
                    {
                        if (to != from && !Holds(versions[to], partition, nowSeconds)) sends.Add((replicas[to], partition));
                    }
                }
            }
            if (cluster.Options.SkipRepairWrites) sends.Clear(); // planted bug
            cluster.Stats.RepairRowsSent += sends.Count;
            int left = sends.Count;
            bool failed = false;
            void AllWritten()
            {
                CheckConverged(replicas, versions, start, end, started, coordinator.Endpoint);
                ExchangeLeaves(coordinator, replicas, tree, differing, index + 1, started, nowSeconds, fail, next);
            }
            if (left == 0)
            {
                AllWritten();
                return;
            }
            foreach (var (target, partition) in sends)
            {
                var update = SimTopology.ToUpdate(partition);
                SendOrApply(coordinator, target, new MutateRequest(MutationKind.ReadRepair, RingStore.Coordination.MutationMessage.For(update)), ok =>
                {
                    if (failed) return;
                    if (!ok)
                    {
                        failed = true;
                        fail($"a repair write to {target.Endpoint} failed");
                        return;
                    }
                    if (--left == 0) AllWritten();
                });
            }
        });
    }

    /// <summary>Whether a replica's partitions already hold this version (same entry digests): nothing to send.</summary>
    private static bool Holds(IReadOnlyList<MergedPartitionData> replica, MergedPartitionData version, int nowSeconds)
    {
        var mine = replica.FirstOrDefault(p => p.Key.AsSpan().SequenceEqual(version.Key));
        if (mine is null) return false;
        var a = RowDigester.Entries(mine, nowSeconds).Select(e => e.Digest).ToList();
        var b = RowDigester.Entries(version, nowSeconds).Select(e => e.Digest).ToList();
        return b.All(a.Contains);
    }

    /// <summary>The repair's own check: after the exchange, each replica holds the newest version fetched for each key of the leaf.</summary>
    private void CheckConverged(List<SimNode> replicas, List<IReadOnlyList<MergedPartitionData>> versions, long start, long end, TimeSpan started, string coordinator)
    {
        foreach (var key in versions.SelectMany(v => v).Select(p => p.Key).DistinctBy(Convert.ToHexString))
        {
            long newest = versions.SelectMany(v => v).Where(p => p.Key.AsSpan().SequenceEqual(key)).Max(SimReplicaStore.NewestTimestamp);
            foreach (var replica in replicas.Where(r => r.IsRunning))
            {
                long held = replica.Store.LatestTimestamp(key);
                if (held < newest)
                {
                    int k = SimCluster.KeyOf(key);
                    cluster.RepairViolations.Add(new Violation(Violation.RepairNotConverged, k, started, cluster.Scheduler.Now,
                        $"key {k}: the repair of ({start}, {end}] via {coordinator} finished, but replica {replica.Endpoint} holds timestamp {(held == long.MinValue ? "none" : held)}, behind the {newest} another replica had"));
                }
            }
        }
    }

    /// <summary>Asks every replica (the coordinator itself without the network); all must answer, else the repair fails.</summary>
    private void Ask(SimNode coordinator, List<SimNode> replicas, object request, Action<string> fail, Action<IReadOnlyList<object>> answered)
    {
        var replies = new object?[replicas.Count];
        int left = replicas.Count;
        bool over = false;
        for (int i = 0; i < replicas.Count; i++)
        {
            int index = i;
            coordinator.Request(replicas[i].Endpoint, request, -1, (_, reply) =>
            {
                if (over || replies[index] is not null) return;
                if (reply is ReplicaFailed failed)
                {
                    over = true;
                    fail($"{replicas[index].Endpoint}: {failed.Error}");
                    return;
                }
                replies[index] = reply;
                if (--left == 0)
                {
                    over = true;
                    answered(replies!);
                }
            });
        }
        // The coordinator's messaging gives up on a replica that does not answer: the repair of the range fails (also
        // when the coordinator itself died meanwhile, so a new repair can start).
        cluster.Scheduler.After(cluster.Options.RequestTimeout * 5, () =>
        {
            if (over) return;
            over = true;
            fail("a replica did not answer in time");
        });
    }

    private void SendOrApply(SimNode coordinator, SimNode target, MutateRequest request, Action<bool> done)
    {
        bool over = false;
        coordinator.Request(target.Endpoint, request, -1, (_, reply) =>
        {
            if (over) return;
            over = true;
            done(reply is MutateAck);
        });
        cluster.Scheduler.After(cluster.Options.RequestTimeout * 5, () =>
        {
            if (over) return;
            over = true;
            done(false);
        });
    }
}

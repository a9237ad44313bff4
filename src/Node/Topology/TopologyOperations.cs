using System.Globalization;
using Microsoft.Extensions.Logging;
using RingStore.Gossip.Ring;
using RingStore.Gossip.State;
using RingStore.Node.Cluster;
using RingStore.Coordination;
using RingStore.Node.Hosting;
using RingStore.Node.Messaging;
using RingStore.Node.Streaming;

namespace RingStore.Node.Topology;

/// <summary>
/// Runs the range movements of this node: bootstrap (and replace) when it joins, decommission when it leaves,
/// removenode for a dead peer. Each follows one sequence: check it may go ahead (one topology change at a time,
/// enough replicas left, the nodes it needs alive) → announce (BOOT / LEAVING / REMOVING) → wait until every live
/// node's ring shows the announcement, so writes already go to the new replicas (pending ranges) → stream while
/// serving → announce the end (NORMAL / LEFT / REMOVED). A failure before the end announces the state before it,
/// so pending ranges disappear everywhere and the ring is as it was.
/// </summary>
public sealed partial class TopologyOperations(TopologyOperations.Dependencies node, RangeStreamer streamer, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// What range movements use of the node (the host wires them; nothing here holds the node). The identity is read
    /// and replaced through delegates: a bootstrap or decommission saves a new one, and the node must see it.
    /// </summary>
    public sealed record Dependencies(
        NodeOptions Options,
        Func<NodeIdentity> CurrentIdentity,
        Action<NodeIdentity> ReplaceIdentity,
        GossipService Gossip,
        IMessagingService Messaging,
        Schema.SchemaManager Schema,
        Requests.ReplicaLookup Lookup,
        Storage.Engine.StorageEngine Engine,
        Requests.HintDeliveryService HintDelivery,
        Storage.Hints.HintStore Hints)
    {
        public NodeIdentity Identity => CurrentIdentity();
        public MembershipSnapshot Membership => Gossip.Current;
    }

    private int _busy;

    /// <summary>How long an announcement may take to reach every live node before the operation is abandoned.</summary>
    public TimeSpan AnnounceTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A stream pull may run this long (large nodes at a low throttle take hours).</summary>
    public TimeSpan StreamTimeout { get; init; } = TimeSpan.FromHours(12);

    /// <summary>"NORMAL", "BOOT", "LEAVING", ... as this node's own ring shows it (netstats' mode).</summary>
    public string Mode => node.Membership.Resolved.Member(node.Options.InternodeEndpoint)?.DisplayStatus ?? "STARTING";

    private string Self => node.Options.InternodeEndpoint;

    private GossipService Gossip => node.Gossip;

    private IDisposable Enter(string operation)
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            throw new TopologyRefusedException($"this node is already running a topology operation; {operation} refused");
        return new Release(() => Volatile.Write(ref _busy, 0));
    }

    private sealed class Release(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    /// <summary>Keyspaces that have tables, with their strategy and the tables' engine names.</summary>
    private List<(string Keyspace, IReplicationStrategy Strategy, IReadOnlyList<string> Tables)> DataKeyspaces()
    {
        var schema = node.Schema.Current;
        return [.. schema.Keyspaces
            .Select(k => (k.Name, Strategy: node.Lookup.Strategy(k.Name),
                Tables: (IReadOnlyList<string>)[.. schema.Tables.Where(t => t.Keyspace == k.Name).Select(t => t.FullName)]))
            .Where(k => k.Tables.Count > 0)];
    }

    private IReadOnlyList<StreamTask> PlanStreams(SourcePolicy policy, Func<string, bool> targetFilter)
    {
        MembershipSnapshot membership = node.Membership;
        return StreamPlanner.Plan(DataKeyspaces().Select(k => (k.Strategy, k.Tables, membership.For(k.Strategy))), membership.IsAlive, policy, targetFilter);
    }

    /// <summary>Polls every live ring member until each reports <paramref name="endpoint"/> in one of the expected states.</summary>
    private async Task WaitUntilEveryoneSeesAsync(string endpoint, IReadOnlyCollection<string> expected, CancellationToken ct, bool bestEffort = false)
    {
        long started = time.GetTimestamp();
        var pending = node.Membership.Members
            .Where(m => m.Endpoint != Self && m.Endpoint != endpoint && m.IsAlive)
            .Select(m => m.Endpoint).ToHashSet(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            foreach (string peer in pending.ToArray())
            {
                if (!node.Membership.IsAlive(peer))
                {
                    pending.Remove(peer); // went down meanwhile: it learns the state by gossip when it comes back
                    continue;
                }
                try
                {
                    var probe = CoordinationMessageSerializer.Serialize(new TopologyProbeRequest(endpoint));
                    Response r = await node.Messaging.SendRequestAsync(PeerAddress.Parse(peer), Verb.TopologyProbe, probe, TimeSpan.FromSeconds(2), ct)
                        .ConfigureAwait(false);
                    if (expected.Contains(CoordinationMessageSerializer.Deserialize<TopologyProbeResponse>(r.Payload).Status)) pending.Remove(peer);
                }
                catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException)
                {
                    // asked again on the next round
                }
            }
            if (pending.Count == 0) break;
            if (time.GetElapsedTime(started) > AnnounceTimeout)
            {
                if (bestEffort) return;
                throw new TopologyRefusedException(
                    $"{string.Join(", ", pending)} did not see {endpoint} as {string.Join("/", expected)} within {AnnounceTimeout.TotalSeconds:F0} s");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Pulls each task's ranges, in parallel per source, on the node that receives them.</summary>
    private async Task<(long Bytes, int Ranges)> RunStreamsAsync(string operation, IReadOnlyList<StreamTask> tasks, StreamProgressLog? progress, CancellationToken ct)
    {
        var running = tasks.Select(async task =>
        {
            if (task.Target == Self)
                return await streamer.PullAsync(operation, task.Source, task.Items, progress, ct).ConfigureAwait(false);
            var request = new StreamPullRequest(CoordinationMessageSerializer.CurrentVersion, operation, task.Source, [.. task.Items]);
            Response r = await node.Messaging.SendRequestAsync(PeerAddress.Parse(task.Target), Verb.StreamPull,
                CoordinationMessageSerializer.Serialize(request), StreamTimeout, ct).ConfigureAwait(false);
            return CoordinationMessageSerializer.Deserialize<StreamPullResponse>(r.Payload);
        }).ToList();
        var results = await Task.WhenAll(running).ConfigureAwait(false);
        return (results.Sum(r => r.Bytes), results.Sum(r => r.Ranges));
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    private void SaveIdentity(NodeIdentity identity)
    {
        NodeIdentityStore.Save(node.Options.DataDirectory, identity);
        node.ReplaceIdentity(identity);
    }
}

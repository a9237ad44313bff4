using Microsoft.Extensions.Logging;
using RingStore.Gossip.Ring;
using RingStore.Gossip.State;
using RingStore.Node.Cluster;

namespace RingStore.Node.Topology;

/// <summary>What a finished operation did, for the operator.</summary>
public sealed record TopologyResult(string Message, long StreamedBytes, int Ranges);

public sealed partial class TopologyOperations
{
    /// <summary>Raised after a decommission finished: the host stops the process.</summary>
    public event Action? Decommissioned;

    /// <summary>
    /// Leaves the ring: refused while another change runs, while any ring member is down, or when the remaining
    /// nodes could not hold every keyspace's replicas. Announces LEAVING, has every node that gains a range pull it
    /// from here (this node is the one losing it), hands its hints to their targets, announces LEFT.
    /// </summary>
    public async Task<TopologyResult> DecommissionAsync(CancellationToken ct)
    {
        using var running = Enter("decommission");
        MembershipSnapshot membership = node.Membership;
        var ring = membership.Resolved;
        ResolvedMember? me = ring.Member(Self);
        if (me is null || me.Role != MemberRole.Normal)
            throw new TopologyRefusedException($"{Self} is {me?.DisplayStatus ?? "not in the ring"}; only a NORMAL node can decommission");
        if (TopologyGuard.OperationInProgress(ring.Members) is { } busy) throw new TopologyRefusedException(busy);
        if (ring.Members.FirstOrDefault(m => m.Role != MemberRole.Out && !membership.IsAlive(m.Endpoint)) is { } down)
            throw new TopologyRefusedException($"{down.Endpoint} (host {down.HostId}) is down; bring it up or removenode it before decommissioning");
        // system_auth (RF 3, every node's) may live on fewer nodes than its RF, as Cassandra's system_auth does.
        foreach (var (keyspace, strategy, _) in DataKeyspaces().Where(k => k.Keyspace != Security.Auth.AuthSchema.Keyspace))
        {
            RingSnapshot future = membership.For(strategy).Ring.WithoutMember(Self);
            if (TopologyGuard.InsufficientReplicas(future, strategy, keyspace) is { } reason)
                throw new TopologyRefusedException($"decommission of {Self} refused: {reason}");
        }

        Gossip.SetState(ApplicationState.Status, NodeStatus.Leaving);
        logger.LogInformation("decommission: announced LEAVING");
        try
        {
            await WaitUntilEveryoneSeesAsync(Self, [NodeStatus.Leaving], ct).ConfigureAwait(false);
            var tasks = PlanStreams(SourcePolicy.LosingReplica, target => target != Self);
            var (bytes, ranges) = await RunStreamsAsync("decommission", tasks, progress: null, ct).ConfigureAwait(false);
            // Every node is up (checked above), so the hints this node holds can go straight to their targets.
            await node.HintDelivery.DeliverAllAsync(ct).ConfigureAwait(false);
            SaveIdentity(node.Identity with { Decommissioned = true });
            Gossip.SetState(ApplicationState.Status, NodeStatus.Left);
            await WaitUntilEveryoneSeesAsync(Self, [NodeStatus.Left, "UNKNOWN"], ct, bestEffort: true).ConfigureAwait(false);
            string message = $"decommissioned {Self}: {ranges} ranges, {FormatBytes(bytes)} streamed to {tasks.Select(t => t.Target).Distinct().Count()} nodes";
            logger.LogInformation("{Message}", message);
            Decommissioned?.Invoke();
            return new TopologyResult(message, bytes, ranges);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (!node.Identity.Decommissioned) Gossip.SetState(ApplicationState.Status, NodeStatus.Normal);
            logger.LogError("decommission failed: {Reason}; {Endpoint} stays in the ring as NORMAL", e.Message, Self);
            throw;
        }
    }

    /// <summary>
    /// Removes a dead node for good: announces REMOVING for its host id (in this node's REMOVAL state, since the dead
    /// node cannot speak), has every node that gains one of its ranges pull it from a surviving replica, then
    /// announces REMOVED. Refused for a live node, an unknown host id, or while another change runs.
    /// </summary>
    public async Task<TopologyResult> RemoveNodeAsync(Guid hostId, CancellationToken ct)
    {
        using var running = Enter("removenode");
        MembershipSnapshot membership = node.Membership;
        var ring = membership.Resolved;
        ResolvedMember? target = ring.Members.FirstOrDefault(m => m.HostId == hostId && m.Role != MemberRole.Out);
        if (target is null) throw new TopologyRefusedException($"host id {hostId} is not in the ring");
        if (target.Endpoint == Self) throw new TopologyRefusedException("a node cannot remove itself; use decommission");
        if (membership.IsAlive(target.Endpoint))
            throw new TopologyRefusedException($"{target.Endpoint} (host {hostId}) is up; removenode is for dead nodes (use decommission on a live node)");
        if (TopologyGuard.OperationInProgress(ring.Members) is { } busy) throw new TopologyRefusedException(busy);
        // system_auth (RF 3, every node's) may live on fewer nodes than its RF, as Cassandra's system_auth does.
        foreach (var (keyspace, strategy, _) in DataKeyspaces().Where(k => k.Keyspace != Security.Auth.AuthSchema.Keyspace))
        {
            RingSnapshot future = membership.For(strategy).Ring.WithoutMember(target.Endpoint);
            if (TopologyGuard.InsufficientReplicas(future, strategy, keyspace) is { } reason)
                throw new TopologyRefusedException($"removenode of {target.Endpoint} refused: {reason}");
        }

        string? before = Gossip.Current.Find(Self)?.State.Get(ApplicationState.Removal);
        Gossip.SetState(ApplicationState.Removal, Removals.With(before, hostId, finished: false));
        logger.LogInformation("removenode: announced REMOVING for {Endpoint} (host {HostId})", target.Endpoint, hostId);
        try
        {
            await WaitUntilEveryoneSeesAsync(target.Endpoint, [NodeStatus.Removing], ct).ConfigureAwait(false);
            var tasks = PlanStreams(SourcePolicy.RemainingReplica, t => t != target.Endpoint);
            var (bytes, ranges) = await RunStreamsAsync("removenode", tasks, progress: null, ct).ConfigureAwait(false);
            string? current = Gossip.Current.Find(Self)?.State.Get(ApplicationState.Removal);
            Gossip.SetState(ApplicationState.Removal, Removals.With(current, hostId, finished: true));
            _ = node.Hints.DeleteAllAsync(hostId);
            string message = $"removed {target.Endpoint} (host {hostId}): {ranges} ranges, {FormatBytes(bytes)} streamed from the surviving replicas";
            logger.LogInformation("{Message}", message);
            return new TopologyResult(message, bytes, ranges);
        }
        catch (Exception e)
        {
            string? current = Gossip.Current.Find(Self)?.State.Get(ApplicationState.Removal);
            Gossip.SetState(ApplicationState.Removal, Removals.Without(current, hostId));
            logger.LogError("removenode of {Endpoint} failed: {Reason}; it stays in the ring", target.Endpoint, e.Message);
            throw;
        }
    }
}

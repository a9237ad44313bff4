using Microsoft.Extensions.Logging;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using RingStore.Gossip.State;
using RingStore.Coordination;
using RingStore.Node.Hosting;
using RingStore.Node.Messaging;
using RingStore.Node.Streaming;

namespace RingStore.Node.Topology;

public sealed partial class TopologyOperations
{
    public static string ProgressPath(string dataDirectory) => Path.Combine(dataDirectory, "system", "bootstrap.progress");

    /// <summary>
    /// Joins the ring: learn it from the seeds, take tokens (balanced for the keyspaces' replication, or the dead
    /// node's with --replace), announce BOOT, stream every range this node gains from the node that loses it (from a
    /// surviving replica for a replace), then announce NORMAL. Resumes after a restart: the tokens are kept in the
    /// identity and the finished ranges in the progress log.
    /// </summary>
    /// <summary>
    /// True for a cluster being created: no tables but (with the password authenticator) system_auth's, which every
    /// node creates at start, so the nodes of a new cluster still start together. Roles written before the others
    /// joined reach them through the auth store's read repair (SystemAuthStore reads at ALL while every replica is up).
    /// </summary>
    private bool OnlyAuthData() => DataKeyspaces().All(k => k.Keyspace == Security.Auth.AuthSchema.Keyspace);

    public async Task BootstrapAsync(CancellationToken ct)
    {
        using var running = Enter("bootstrap");
        NodeIdentity identity = node.Identity;
        await WaitForRingAsync(ct).ConfigureAwait(false);
        var ring = node.Membership.Resolved;
        if (TopologyGuard.OperationInProgress(ring.Members, exceptEndpoint: Self) is { } busy) throw new TopologyRefusedException(busy);
        if (ring.Members.FirstOrDefault(m => m.HostId == identity.HostId && m.Endpoint != Self && m.Role != MemberRole.Out) is { } twin)
            throw new TopologyRefusedException($"host id {identity.HostId} is already in the ring at {twin.Endpoint}");

        Guid replaced = identity.ReplacedHostId;
        if (!identity.HasTokens)
        {
            IReadOnlyList<Token> tokens;
            if (!string.IsNullOrEmpty(node.Options.Replace))
            {
                ResolvedMember dead = FindReplaceTarget(ring, node.Options.Replace);
                await WaitUntilSeenDeadAsync(dead, ct).ConfigureAwait(false);
                replaced = dead.HostId;
                tokens = dead.Tokens;
            }
            else if (OnlyAuthData())
            {
                // A cluster being created: its nodes start together and would all compute the same balanced tokens
                // from the same ring. Random tokens (seeded by the host id) cannot collide; data-carrying joins, one at
                // a time by the guard above, use the balanced allocator.
                tokens = new RandomTokenAllocator(new Random(identity.HostId.GetHashCode()))
                    .Allocate(RingSnapshot.Empty, new NodeInfo(Self, node.Options.Datacenter, node.Options.Rack), node.Options.NumTokens);
            }
            else
            {
                tokens = AllocateTokens(ring.Ring);
            }
            identity = identity with { Tokens = [.. tokens.Select(t => t.Value)], ReplacedHostId = replaced, BootstrapPending = true };
            SaveIdentity(identity);
        }
        string tokensValue = TokensValue.Format(identity.Tokens.Select(t => new Token(t)));
        bool replacing = replaced != Guid.Empty;
        if (!replacing && OnlyAuthData())
        {
            // Nothing to stream (a cluster being created): own the tokens at once, as a node without data would after streaming nothing.
            Gossip.SetState(ApplicationState.Tokens, tokensValue);
            Gossip.SetState(ApplicationState.Status, NodeStatus.Normal);
            SaveIdentity(identity with { BootstrapPending = false });
            logger.LogInformation("Joined the ring with {Count} tokens (no tables, nothing to stream)", identity.Tokens.Length);
            return;
        }

        string operation = replacing ? "replace" : "bootstrap";
        if (replacing) Gossip.SetState(ApplicationState.Replacing, replaced.ToString("D"));
        Gossip.SetState(ApplicationState.Tokens, tokensValue);
        Gossip.SetState(ApplicationState.Status, NodeStatus.Boot);
        logger.LogInformation("{Operation}: announced BOOT with {Count} tokens{Replacing}", operation, identity.Tokens.Length,
            replacing ? $", replacing host {replaced}" : "");
        try
        {
            await WaitUntilEveryoneSeesAsync(Self, [NodeStatus.Boot], ct).ConfigureAwait(false);
            SourcePolicy policy = replacing ? SourcePolicy.RemainingReplica
                : node.Options.AllowInconsistentBootstrap ? SourcePolicy.LosingReplicaOrAny : SourcePolicy.LosingReplica;
            var tasks = PlanStreams(policy, target => target == Self);
            using var progress = StreamProgressLog.Open(ProgressPath(node.Options.DataDirectory));
            if (progress.CompletedCount > 0) logger.LogInformation("{Operation}: resuming, {Done} ranges already received", operation, progress.CompletedCount);
            var (bytes, ranges) = await RunStreamsAsync(operation, tasks, progress, ct).ConfigureAwait(false);
            Gossip.SetState(ApplicationState.Status, NodeStatus.Normal);
            SaveIdentity(node.Identity with { BootstrapPending = false });
            StreamProgressLog.Delete(progress.Path);
            logger.LogInformation("{Operation}: done, {Ranges} ranges and {Bytes} received; NORMAL", operation, ranges, FormatBytes(bytes));
        }
        catch (Exception e)
        {
            // Withdraw the tokens so no node keeps pending ranges for a join that is not happening. The identity keeps
            // them and the progress log its ranges: starting the node again resumes.
            Gossip.SetState(ApplicationState.Tokens, "");
            logger.LogError("{Operation} failed: {Reason}. Start the node again to resume.", operation, e.Message);
            throw;
        }
    }

    /// <summary>
    /// Before a node with a new identity gossips for the first time: asks the seeds (other than itself) which host
    /// their ring has at this node's address, and refuses to start when it is another host that is not Out (a node
    /// whose data directory was wiped and started again at the same address, Cassandra's "a node with address X
    /// already exists"). It must run before gossip: once this node gossips its new generation, every peer replaces
    /// the old host's state at this address and the old host id is gone from the view. Seeds that do not answer are
    /// skipped: an unreachable cluster cannot be asked, and bootstrap waits for the ring anyway.
    /// </summary>
    public async Task RefuseIfAddressTakenAsync(CancellationToken ct)
    {
        Guid self = node.Identity.HostId;
        foreach (string seed in node.Options.SeedList())
        {
            if (string.Equals(seed, Self, StringComparison.Ordinal)) continue;
            TopologyProbeResponse answer;
            try
            {
                var probe = CoordinationMessageSerializer.Serialize(new TopologyProbeRequest(Self));
                Response r = await node.Messaging.SendRequestAsync(PeerAddress.Parse(seed), Verb.TopologyProbe, probe, TimeSpan.FromSeconds(2), ct)
                    .ConfigureAwait(false);
                answer = CoordinationMessageSerializer.Deserialize<TopologyProbeResponse>(r.Payload);
            }
            catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException)
            {
                logger.LogInformation("Could not ask seed {Seed} who holds {Endpoint}: {Reason}", seed, Self, e.Message);
                continue;
            }
            if (answer.InRing && Guid.TryParse(answer.HostId, out Guid owner) && owner != self)
                throw new TopologyRefusedException(AddressTakenMessage(Self, owner));
        }
    }

    /// <summary>The refusal of a node with a new, empty data directory at an address that belongs to <paramref name="owner"/>.</summary>
    public static string AddressTakenMessage(string address, Guid owner) =>
        $"{address} belongs to host {owner:D} in the ring; this node has a new, empty data directory. Start it with --replace {owner:D} " +
        "to take over that host's ranges with its data, or use another address. (Replacing a host at its own address is not " +
        $"supported yet: start the replacement on another address with --replace {owner:D}, or remove host {owner:D} from the ring first.)";

    private IReadOnlyList<Token> AllocateTokens(RingSnapshot ring)
    {
        // Balance for the largest replication factor in use (allocate_tokens_for_local_replication_factor); 3 without keyspaces.
        IReplicationStrategy strategy = node.Schema.Current.Keyspaces.Select(k => node.Lookup.Strategy(k.Name))
            .OrderByDescending(s => s.TotalReplicationFactor).FirstOrDefault() ?? new SimpleStrategy(3);
        var self = new NodeInfo(Self, node.Options.Datacenter, node.Options.Rack);
        return new BalancedTokenAllocator(strategy).Allocate(ring, self, node.Options.NumTokens);
    }

    private ResolvedMember FindReplaceTarget(ClusterSnapshot ring, string replace)
    {
        ResolvedMember? dead = Guid.TryParse(replace, out Guid id)
            ? ring.Members.FirstOrDefault(m => m.HostId == id)
            : ring.Members.FirstOrDefault(m => m.Endpoint == replace && m.HostId != node.Identity.HostId);
        if (dead is null || dead.Role == MemberRole.Out)
            throw new TopologyRefusedException($"--replace {replace}: no such node in the ring");
        if (dead.Endpoint == Self)
            throw new TopologyRefusedException($"--replace {replace}: replacing a node at its own address is not supported; start the replacement on another address");
        return dead;
    }

    /// <summary>
    /// A new node first takes every endpoint it hears of as alive, until its own failure detector has watched the
    /// heartbeat stand still: wait for that verdict (the rest of the cluster has long reached it) before replacing.
    /// </summary>
    private async Task WaitUntilSeenDeadAsync(ResolvedMember dead, CancellationToken ct)
    {
        long started = time.GetTimestamp();
        while (node.Membership.IsAlive(dead.Endpoint))
        {
            if (time.GetElapsedTime(started) > node.Options.RingDiscoveryTimeout)
                throw new TopologyRefusedException($"--replace {node.Options.Replace}: {dead.Endpoint} is alive; only a dead node can be replaced");
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until gossip has reached a ring owner, the set of known endpoints and their states has not changed for a
    /// few gossip rounds (every peer's view has had time to reach this node: Cassandra's RING_DELAY, but ended as soon
    /// as the view is stable), every owner has been heard from directly, and the schema agrees with every live peer.
    /// </summary>
    private async Task WaitForRingAsync(CancellationToken ct)
    {
        long started = time.GetTimestamp();
        long stableSince = started;
        string lastView = "";
        TimeSpan settle = node.Options.GossipInterval * 4;
        while (true)
        {
            var membership = node.Membership;
            var ring = membership.Resolved;
            string view = string.Join(";", membership.Members.Select(m => $"{m.Endpoint}={m.Status}/{m.Tokens.Count}/{m.IsAlive}/{m.SchemaVersion}"));
            if (view != lastView)
            {
                lastView = view;
                stableSince = time.GetTimestamp();
            }
            bool seesOwner = ring.Members.Any(m => m.Endpoint != Self && m.Role == MemberRole.Normal && membership.IsAlive(m.Endpoint));
            string ours = node.Schema.Current.Version.ToString();
            bool schemaAgrees = membership.Members.Where(m => m.IsAlive && m.Endpoint != Self && m.SchemaVersion is not null)
                .All(m => m.SchemaVersion == ours);
            // Heartbeat versions grow every round, so "stable" looks at who is known, their status, tokens and liveness.
            bool stable = time.GetElapsedTime(stableSince) >= settle;
            if (seesOwner && schemaAgrees && stable) return;
            if (time.GetElapsedTime(started) > node.Options.RingDiscoveryTimeout)
                throw new TopologyRefusedException(seesOwner
                    ? "the schema did not settle with the live nodes; try again"
                    : $"no ring member reachable through the seeds ({node.Options.Seeds}) within {node.Options.RingDiscoveryTimeout.TotalSeconds:F0} s");
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct).ConfigureAwait(false);
        }
    }
}

using RingStore.Gossip.Ring;

namespace RingStore.Node.Hosting;

/// <summary>
/// Loads this node's identity, or makes one on first start: a new host id and num_tokens random tokens
/// (seeded from the host id so a rerun of the same start is reproducible). Every start takes a gossip
/// generation above the last one used, even if the clock went backwards.
/// </summary>
public static class NodeIdentityFactory
{
    public static NodeIdentity LoadOrCreate(NodeOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        int nowSeconds = (int)time.GetUtcNow().ToUnixTimeSeconds();
        var existing = NodeIdentityStore.Load(options.DataDirectory);
        NodeIdentity identity;
        if (existing is null)
        {
            var hostId = Guid.NewGuid();
            if (JoinsExistingRing(options))
            {
                // Tokens are chosen once the ring is known (balanced allocation, or the replaced node's).
                identity = new NodeIdentity(NodeIdentity.CurrentFormatVersion, options.ClusterName, hostId, [], nowSeconds, BootstrapPending: true);
                NodeIdentityStore.Save(options.DataDirectory, identity);
                return identity;
            }
            var allocator = new RandomTokenAllocator(new Random(hostId.GetHashCode()));
            var tokens = allocator.Allocate(RingSnapshot.Empty, new NodeInfo(options.InternodeEndpoint, options.Datacenter, options.Rack), options.NumTokens);
            identity = new NodeIdentity(NodeIdentity.CurrentFormatVersion, options.ClusterName, hostId, tokens.Select(t => t.Value).ToArray(), nowSeconds);
        }
        else
        {
            if (!string.Equals(existing.ClusterName, options.ClusterName, StringComparison.Ordinal))
                throw new InvalidOperationException(
                    $"{NodeIdentityStore.PathFor(options.DataDirectory)} belongs to cluster '{existing.ClusterName}', not '{options.ClusterName}'. " +
                    "Use another data directory or the original cluster name.");
            identity = existing with { LastGeneration = Math.Max(nowSeconds, existing.LastGeneration + 1) };
        }
        NodeIdentityStore.Save(options.DataDirectory, identity);
        return identity;
    }

    /// <summary>
    /// A new node bootstraps into an existing ring when it is told to replace a node, or when auto-bootstrap is on
    /// and it is not a seed (seeds start the ring; as in Cassandra, a seed never bootstraps).
    /// </summary>
    public static bool JoinsExistingRing(NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.Replace)) return true;
        var seeds = options.SeedList();
        return options.AutoBootstrap && seeds.Count > 0 && !seeds.Contains(options.InternodeEndpoint, StringComparer.Ordinal);
    }
}

using RingStore.Client.Protos;

namespace RingStore.Bench.Native;

/// <summary>The token map the load generator routes by, from the ring the benchmark already knows (gRPC DescribeRing).</summary>
public static class NativeRing
{
    /// <summary>Each ring token with the index (in <paramref name="internodeEndpoints"/>) of the node owning it.</summary>
    public static async Task<TokenOwners> OwnersAsync(RingStoreApi.RingStoreApiClient client, IReadOnlyList<string> internodeEndpoints, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(internodeEndpoints);
        var ring = await client.DescribeRingAsync(new DescribeRingRequest(), cancellationToken: ct).ConfigureAwait(false);
        var tokens = new List<(long, int)>();
        foreach (var node in ring.Nodes)
        {
            int index = internodeEndpoints.ToList().IndexOf(node.Endpoint);
            if (index < 0) throw new InvalidOperationException($"the ring names {node.Endpoint}, which is not one of the benchmark's nodes");
            tokens.AddRange(node.Tokens.Select(t => (t, index)));
        }
        return new TokenOwners(tokens);
    }
}

using RingStore.Client.Protos;

namespace RingStore.Cluster.Tests;

/// <summary>
/// One running three-node cluster shared by a test class's bad-input tests, with a 1 MiB value cap so an oversized
/// value is cheap to send. Has keyspace <see cref="Keyspace"/> (RF 3) with <see cref="KvTable"/> and <see cref="WideTable"/>.
/// </summary>
public sealed class BadInputClusterFixture : IAsyncLifetime
{
    public const string Keyspace = "bad";
    private long _nextKey = 1_000_000_000;

    public ProcessCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await ProcessCluster.StartAsync(3, new Dictionary<string, string> { ["MaxValueSizeMiB"] = "1" });
        try
        {
            await Cluster.CreateKeyspaceAsync(Keyspace, 3);
            await Cluster.CreateTableAsync(KvTable.Create(Keyspace));
            await Cluster.CreateTableAsync(WideTable.Create(Keyspace));
        }
        catch
        {
            await Cluster.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>
    /// The node survived the bad input: it still sees the whole cluster up and coordinates a QUORUM write and read.
    /// </summary>
    public async Task AssertServesAsync(int node)
    {
        var ring = await Cluster.Client(node).DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call());
        Assert.Equal(Cluster.Count, ring.Nodes.Count(n => n.Liveness == "UP"));
        long key = Interlocked.Increment(ref _nextKey);
        await Cluster.Client(node).MutateAsync(KvTable.Write(Keyspace, key, "still serving", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000,
            Consistency.Quorum), ProcessCluster.Call());
        var read = await Cluster.Client(node).ReadAsync(KvTable.Read(Keyspace, key, Consistency.Quorum), ProcessCluster.Call());
        Assert.Equal("still serving", KvTable.Value(read));
    }
}

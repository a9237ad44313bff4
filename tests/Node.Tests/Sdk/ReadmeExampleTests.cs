using RingStore.Client;
using RingStore.Client.Protos;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Sdk;

/// <summary>The README's SDK example, run as written against three in-process nodes (so the README stays true).</summary>
[Collection(ClusterCollection.Name)]
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task The_readme_example_runs_and_reads_back_what_it_wrote()
    {
        await using var cluster = await InProcessCluster.StartAsync(3, withGrpc: true);
        var printed = new List<string>();

        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions
        {
            ContactPoints = [cluster.GrpcAddress(0)],
            DefaultConsistency = Consistency.Quorum,
        });
        await client.ExecuteAsync("CREATE KEYSPACE IF NOT EXISTS shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}");
        await client.ExecuteAsync("CREATE TABLE IF NOT EXISTS shop.orders (customer bigint, day text, at timestamp, total double, " +
                                  "PRIMARY KEY ((customer, day), at)) WITH CLUSTERING ORDER BY (at DESC)");

        var insert = await client.PrepareAsync("INSERT INTO shop.orders (customer, day, at, total) VALUES (?, ?, ?, ?)");
        var first = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);
        await client.ExecuteAsync(insert.Bind(42L, "2026-11-23", first, 19.99));
        await client.ExecuteAsync(insert.Bind(42L, "2026-11-23", first.AddMinutes(5), 5.0));

        var select = await client.PrepareAsync("SELECT at, total FROM shop.orders WHERE customer = ? AND day = ?");
        Assert.Equal([0, 1], select.Metadata.PartitionKeyBindIndexes);
        await foreach (var row in client.QueryAsync(select.Bind(42L, "2026-11-23")))
            printed.Add($"{row.Get<DateTimeOffset>("at"):O}  {row.Get<double>("total")}");

        // Newest first (CLUSTERING ORDER BY at DESC).
        Assert.Equal([$"{first.AddMinutes(5):O}  5", $"{first:O}  19.99"], printed);
    }
}

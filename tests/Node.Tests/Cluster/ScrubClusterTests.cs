using System.Globalization;
using System.Text;
using RingStore.Core.Consistency;

namespace RingStore.Node.Tests.Cluster;

/// <summary>
/// The Scrub RPC (nodetool scrub) on a node whose SSTable has a flipped byte: the damaged SSTable is rewritten from its
/// readable partitions, the response names the lost partition keys as text, and the table reads without error again.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ScrubClusterTests
{
    /// <summary>Compression off: the test finds a value's bytes in the Data file to damage them.</summary>
    private static readonly Core.Schema.TableOptions Uncompressed = new() { Compression = Core.Schema.CompressionOptions.Disabled };

    private static string ValueOf(long pk) => string.Create(CultureInfo.InvariantCulture, $"value-of-partition-{pk:D4}-for-scrub");

    [Fact]
    public async Task Scrub_over_gRPC_rewrites_the_damaged_sstable_and_names_the_lost_keys()
    {
        await using var cluster = await InProcessCluster.StartAsync(1, withGrpc: true);
        var table = await cluster.CreateSampleTableAsync(replicationFactor: 1, options: Uncompressed);
        for (long pk = 0; pk < 200; pk++)
            await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, pk, 1, ValueOf(pk)), ConsistencyLevel.One, CancellationToken.None);
        await cluster[0].Engine.FlushAsync();
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://{cluster.GrpcAddress(0)}");
        var client = new Client.Protos.RingStoreApi.RingStoreApiClient(channel);

        var healthy = Assert.Single((await client.ScrubAsync(new Client.Protos.ScrubRequest { Keyspace = "ks", Table = "t" })).Tables);
        Assert.Equal((1, 0), (healthy.SstablesChecked, healthy.SstablesScrubbed));

        Flip(cluster.Options[0].DataDirectory, Encoding.UTF8.GetBytes(ValueOf(123)));
        var response = await client.ScrubAsync(new Client.Protos.ScrubRequest { Keyspace = "ks" });
        var result = Assert.Single(response.Tables);
        Assert.Equal("ks.t", result.Table);
        Assert.Equal(1, result.SstablesScrubbed);
        Assert.Equal(1, result.DataBlocksBad);
        Assert.Contains("123", result.LostKeys);
        Assert.Equal(result.LostKeys.Count, result.LostKeyCount);
        Assert.Equal(200, result.PartitionsKept + result.PartitionsDropped);

        var lost = result.LostKeys.Select(k => long.Parse(k, CultureInfo.InvariantCulture)).ToHashSet();
        for (long pk = 0; pk < 200; pk++)
        {
            var rows = cluster[0].Engine.Read(SampleData.Partition(table, pk)).Rows; // no read fails any more
            if (!lost.Contains(pk)) Assert.Equal(ValueOf(pk), SampleData.Value(Assert.Single(rows)));
        }
        Assert.Empty((await client.VerifyAsync(new Client.Protos.VerifyRequest { Keyspace = "ks" })).Findings);
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await client.ScrubAsync(new Client.Protos.ScrubRequest { Keyspace = "nope" }));
    }

    private static void Flip(string root, byte[] pattern)
    {
        foreach (string path in Directory.GetFiles(root, "*-Data.db", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(path);
            int at = bytes.AsSpan().IndexOf(pattern);
            if (at < 0) continue;
            using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            f.Position = at + 5;
            f.WriteByte((byte)~bytes[at + 5]);
            return;
        }
        throw new InvalidOperationException($"no Data file under {root} holds the value");
    }
}

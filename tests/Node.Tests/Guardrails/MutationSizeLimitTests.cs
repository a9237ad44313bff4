using Google.Protobuf;
using RingStore.Client;
using RingStore.Client.Protos;
using RingStore.Core.Errors;
using RingStore.Core.Reads;
using RingStore.Core.Serialization;
using RingStore.Core.Values;
using RingStore.Node.Api;
using RingStore.Node.Tests.Cluster;
using RingStore.Storage.Engine;

namespace RingStore.Node.Tests.Guardrails;

/// <summary>
/// The one mutation size limit, end to end over gRPC on two nodes at RF 2: a write whose encoding is exactly the
/// limit is accepted, read back, hinted for a down replica and replayed to it; one byte more, a 16 MiB value and a
/// 40 MiB value are ValueTooLarge (never a WriteTimeout or a transport error, which the SDK would retry).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MutationSizeLimitTests
{
    private static Mutation Write(int pk, int blobBytes, long timestampMicros)
    {
        var m = new Mutation { Keyspace = "big", Table = "kv", TimestampMicros = timestampMicros };
        m.PartitionKey.Add(new Value { Int = pk });
        var row = new RowWrite();
        row.Cells["v"] = new Value { Blob = ByteString.CopyFrom(new byte[blobBytes]) };
        m.Rows.Add(row);
        return m;
    }

    [Fact]
    public async Task A_write_at_the_limit_is_stored_read_hinted_and_replayed_and_anything_larger_is_value_too_large()
    {
        await using var cluster = await InProcessCluster.StartAsync(2, (_, o) =>
        {
            o.WriteTimeout = TimeSpan.FromSeconds(20);
            o.ReadTimeout = TimeSpan.FromSeconds(20);
        }, withGrpc: true);
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions { ContactPoints = [cluster.GrpcAddress(0)] });
        await client.ExecuteAsync("CREATE KEYSPACE big WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}");
        await client.ExecuteAsync("CREATE TABLE big.kv (pk int PRIMARY KEY, v blob)");
        await cluster.WaitUntilAsync(() => Enumerable.Range(0, 2).All(i => cluster[i].Schema.Current.TryGetTable("big", "kv", out _)),
            TimeSpan.FromSeconds(20), "both nodes have big.kv");
        await client.RefreshMetadataAsync();

        int limit = cluster[0].MutationLimit.Bytes;
        Assert.True(limit <= cluster[0].Engine.MaxMutationBytes && limit <= cluster[0].Hints.MaxHintBytes, $"limit {limit}");
        Assert.True(limit > 16_000_000, $"limit {limit}"); // values of almost 16 MiB still work
        Assert.True(cluster[0].Schema.Current.TryGetTable("big", "kv", out var table));

        // Size the blob so that the update's encoding (what the commit log, a hint and a message carry) is exactly the limit.
        long ts = SampleData.NextTimestamp();
        int EncodedSize(int blob) => DataSerializer.Serialize(MutationBuilder.Build(table, Write(1, blob, ts), ts, 0)).Length;
        int blobBytes = limit - 4096;
        blobBytes += limit - EncodedSize(blobBytes);
        Assert.Equal(limit, EncodedSize(blobBytes));

        // Node 1 down: the write at ONE is acknowledged by node 0 and hinted for node 1.
        await cluster.StopNodeAsync(1);
        await cluster.WaitUntilAsync(() => cluster.AllSeeDown(1), TimeSpan.FromSeconds(30), "node 0 sees node 1 down");
        long hintsBefore = cluster[0].Metrics.HintsStored;
        await client.MutateAsync([Write(1, blobBytes, ts)], Consistency.One);
        await cluster.WaitUntilAsync(() => cluster[0].Metrics.HintsStored > hintsBefore, TimeSpan.FromSeconds(30), "the hint is stored");

        var read = new ReadRequest { Keyspace = "big", Table = "kv", Consistency = Consistency.One };
        read.PartitionKey.Add(new Value { Int = 1 });
        var back = await client.ReadAsync(read);
        int v = back.Columns.Select(c => c.Name).ToList().IndexOf("v");
        Assert.Equal(blobBytes, Assert.Single(back.Rows).Values[v].Blob.Length);

        // Node 1 back: the hint is replayed to it.
        await cluster.StartNodeAsync(1);
        var key = PartitionKeyCodec.Serialize(table.PartitionKey, [1]);
        await cluster.WaitUntilAsync(() => cluster.IsRunning(1) && cluster[1].Engine.Read(SliceQuery.WholePartition(table.FullName, key)).Rows is [var row]
            && row.Cells[0].Value?.Length == blobBytes, TimeSpan.FromSeconds(90), "node 1 has the hinted row");

        // One byte more, the 16 MiB value of the issue, and 40 MiB (over Kestrel's default body limit): ValueTooLarge.
        foreach (int size in new[] { blobBytes + 1, 16 << 20, 40 << 20 })
        {
            var error = await Assert.ThrowsAsync<RingStoreException>(() => client.MutateAsync([Write(2, size, ts)], Consistency.One));
            Assert.True(error.Kind == RequestErrorKind.ValueTooLarge, $"{size} bytes: {error.Kind} {error.Message}");
            Assert.Contains("'v'", error.Message, StringComparison.Ordinal);
        }
        var cql = await Assert.ThrowsAsync<RingStoreException>(() => client.ExecuteAsync("INSERT INTO big.kv (pk, v) VALUES (3, ?)", new byte[blobBytes + 1]));
        Assert.Equal(RequestErrorKind.ValueTooLarge, cql.Kind);
    }
}

using System.Text;
using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Storage.SSTables;

namespace RingStore.Node.Tests.Cluster;

/// <summary>
/// Issue 21: bytes flipped in one replica's SSTable data block after it was read once. The corrupt value must never be
/// returned (not at ONE through that node, not at QUORUM or ALL) and never be spread by read repair.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CorruptReplicaClusterTests
{
    /// <summary>Compression off: the test finds a value's bytes in the Data file to damage them.</summary>
    private static readonly Core.Schema.TableOptions Uncompressed = new() { Compression = Core.Schema.CompressionOptions.Disabled };

    private const string Good = "good-value-0123456789-acknowledged";
    private const string Corrupt = "hood-value-0123456789-acknowledged"; // the flip below: 'g' + 1, sorts higher

    [Fact]
    public async Task A_replica_with_a_corrupt_block_fails_its_reads_and_the_corrupt_value_is_never_returned_or_repaired_elsewhere()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync(options: Uncompressed);
        const long pk = 42;
        await cluster[1].Writes.WriteAsync("ks", SampleData.Upsert(table, pk, 1, Good), ConsistencyLevel.All, CancellationToken.None);
        for (int n = 0; n < 3; n++) await cluster[n].Engine.FlushAsync();
        // Read once everywhere, so every block of the new SSTables has been used (and, before the fix, counted as verified).
        for (int n = 0; n < 3; n++)
        {
            Assert.Equal(Good, SampleData.Value(Assert.Single(cluster[n].Engine.Read(SampleData.Partition(table, pk)).Rows)));
            var viaCoordinator = await cluster[n].Reads.ReadAsync("ks", SampleData.Partition(table, pk), ConsistencyLevel.All, CancellationToken.None);
            Assert.Equal(Good, SampleData.Value(Assert.Single(viaCoordinator.Rows)));
        }

        const int bad = 0;
        string dataFile = FlipFirstByteOf(cluster.Options[bad].DataDirectory, Encoding.UTF8.GetBytes(Good));

        // ONE through the corrupt node (its own replica is the fastest, so the likeliest data replica): an error or the
        // good value from another replica, never the corrupt one.
        for (int attempt = 0; attempt < 3; attempt++)
            AssertGoodOrFailed(await TryRead(cluster[bad], table, pk, ConsistencyLevel.One));
        // The local replica found the mismatch (at the latest here) and the SSTable is marked unreadable.
        var local = Assert.Throws<CorruptSSTableException>(() => cluster[bad].Engine.Read(SampleData.Partition(table, pk)));
        Assert.Equal(Path.GetFullPath(dataFile), Path.GetFullPath(local.File));

        // Asked by another coordinator, the corrupt replica answers with a failure: not data, not an empty result.
        var command = ReadCommandMessage.For(SampleData.Partition(table, pk), digestOnly: false);
        foreach (var verb in new[] { Verb.Read, Verb.DigestRead })
        {
            var failed = await Assert.ThrowsAsync<RequestFailedException>(() => cluster[1].Messaging.SendRequestAsync(
                PeerAddress.Parse(cluster.Endpoint(bad)), verb, CoordinationMessageSerializer.Serialize(command with { DigestOnly = verb == Verb.DigestRead }),
                TimeSpan.FromSeconds(5), CancellationToken.None));
            Assert.Contains(nameof(CorruptSSTableException), failed.Message, StringComparison.Ordinal);
        }

        // QUORUM through every node: the two healthy replicas answer.
        for (int n = 0; n < 3; n++)
        {
            var result = await cluster[n].Reads.ReadAsync("ks", SampleData.Partition(table, pk), ConsistencyLevel.Quorum, CancellationToken.None);
            Assert.Equal(Good, SampleData.Value(Assert.Single(result.Rows)));
        }
        // ALL cannot be met while one replica fails its reads: an error, never the corrupt value.
        for (int n = 0; n < 3; n++) AssertGoodOrFailed(await TryRead(cluster[n], table, pk, ConsistencyLevel.All));
        for (int n = 0; n < 3; n++) AssertGoodOrFailed(await TryRead(cluster[n], table, pk, ConsistencyLevel.One));

        // No read repair spread the corrupt value: the healthy replicas still hold the good one, the corrupt one answers nothing.
        foreach (int healthy in new[] { 1, 2 })
            Assert.Equal(Good, SampleData.Value(Assert.Single(cluster[healthy].Engine.Read(SampleData.Partition(table, pk)).Rows)));
        Assert.Throws<CorruptSSTableException>(() => cluster[bad].Engine.Read(SampleData.Partition(table, pk)));
    }

    [Fact]
    public async Task Verify_over_gRPC_reports_the_corrupt_block_by_file_component_and_block()
    {
        await using var cluster = await InProcessCluster.StartAsync(1, withGrpc: true);
        var table = await cluster.CreateSampleTableAsync(replicationFactor: 1, options: Uncompressed);
        await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, 7, 1, Good), ConsistencyLevel.One, CancellationToken.None);
        await cluster[0].Engine.FlushAsync();
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://{cluster.GrpcAddress(0)}");
        var client = new Client.Protos.RingStoreApi.RingStoreApiClient(channel);

        var clean = await client.VerifyAsync(new Client.Protos.VerifyRequest { Keyspace = "ks" });
        Assert.Equal(1, clean.SstablesChecked);
        Assert.Empty(clean.Findings);

        string dataFile = FlipFirstByteOf(cluster.Options[0].DataDirectory, Encoding.UTF8.GetBytes(Good));
        var report = await client.VerifyAsync(new Client.Protos.VerifyRequest { Keyspace = "ks", Table = "t" });
        var finding = Assert.Single(report.Findings);
        Assert.Equal("ks.t", finding.Table);
        Assert.Equal(Path.GetFullPath(dataFile), Path.GetFullPath(finding.File));
        Assert.Equal("Data", finding.Component);
        Assert.True(finding.Block >= 0);
        Assert.Contains("checksum mismatch", finding.Error, StringComparison.Ordinal);
        // Verify found it, so the SSTable is now unreadable: the read fails instead of answering.
        Assert.Throws<CorruptSSTableException>(() => cluster[0].Engine.Read(SampleData.Partition(table, 7)));
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await client.VerifyAsync(new Client.Protos.VerifyRequest { Keyspace = "nope" }));
    }

    private static async Task<(string? Value, Exception? Error)> TryRead(RingStore.Node.Hosting.RingStoreNode node, Core.Schema.TableSchema table, long pk, ConsistencyLevel level)
    {
        try
        {
            var result = await node.Reads.ReadAsync("ks", SampleData.Partition(table, pk), level, CancellationToken.None);
            return (SampleData.Value(Assert.Single(result.Rows)), null);
        }
        catch (Exception e) when (e is ReadTimeoutException or ReadFailureException or RequestFailedException or IOException)
        {
            return (null, e);
        }
    }

    private static void AssertGoodOrFailed((string? Value, Exception? Error) outcome)
    {
        Assert.NotEqual(Corrupt, outcome.Value);
        if (outcome.Error is null) Assert.Equal(Good, outcome.Value);
    }

    /// <summary>Flips the first byte of <paramref name="pattern"/> in the one Data file under <paramref name="root"/> that holds it.</summary>
    private static string FlipFirstByteOf(string root, byte[] pattern)
    {
        foreach (string path in Directory.GetFiles(root, "*-Data.db", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(path);
            int at = bytes.AsSpan().IndexOf(pattern);
            if (at < 0) continue;
            // Through a FileStream: the reader's memory map shares the page cache, so it sees the change at once.
            using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            f.Position = at;
            f.WriteByte((byte)(bytes[at] + 1));
            return path;
        }
        throw new InvalidOperationException($"no Data file under {root} holds the value");
    }
}

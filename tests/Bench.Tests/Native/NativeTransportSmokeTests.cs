using RingStore.Bench.Cluster;
using RingStore.Bench.Native;
using RingStore.Client.Protos;
using RingStore.LocalCluster;
using LocalClusterHost = RingStore.LocalCluster.LocalCluster;

namespace RingStore.Bench.Tests.Native;

/// <summary>
/// `bench cluster --transport native` end to end against two real node processes: the load generator's prepared
/// EXECUTEs write rows the gRPC API then reads back, its reads find every written key, nothing fails, and every
/// request went to its key's primary replica by the ring. Results only; speed is the benchmark's business.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed class NativeTransportSmokeTests
{
    [Fact]
    public async Task Native_workload_writes_and_reads_back_through_the_native_protocol()
    {
        var ports = FreePorts.Take(6);
        string dataRoot = Path.Combine(Path.GetTempPath(), $"ringstore-bench-native-{Guid.NewGuid():N}");
        var options = new LocalClusterOptions
        {
            Nodes = 2,
            DataRoot = dataRoot,
            ClusterName = "bench-native-smoke",
            InternodePorts = [ports[0], ports[1]],
            GrpcPorts = [ports[2], ports[3]],
            NativePorts = [ports[4], ports[5]],
        };
        using var cluster = new LocalClusterHost(options);
        try
        {
            await cluster.StartAsync(TimeSpan.FromMinutes(3));
            using var grpc = new ClusterWorkload([.. cluster.GrpcEndpoints], valueBytes: 32, maxConcurrency: 16, seed: 1, sessions: false);
            await grpc.CreateSchemaAsync(replicationFactor: 2, CancellationToken.None);
            await grpc.WaitForSchemaAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
            var owners = await NativeRing.OwnersAsync(grpc.Client(0), [.. cluster.Nodes.Select(n => n.Options.InternodeEndpoint)], CancellationToken.None);
            await using var native = await NativeClusterWorkload.OpenAsync([.. cluster.Nodes.Select(n => n.Options.NativeEndpoint)], owners,
                valueBytes: 32, maxLoops: 16, seed: 1, CancellationToken.None);

            native.SetConsistency("QUORUM");
            var writes = await ClosedLoopDriver.RunAsync(16, TimeSpan.FromSeconds(2), native.WriteAsync, null, CancellationToken.None);
            Assert.Equal(0, writes.Failed);
            Assert.True(writes.Completed > 0);
            Assert.Equal(writes.Completed, native.KeysWritten);

            var reads = await ClosedLoopDriver.RunAsync(16, TimeSpan.FromSeconds(2), native.ReadAsync, null, CancellationToken.None);
            Assert.Equal(0, reads.Failed);
            Assert.True(reads.Completed > 0);
            Assert.Equal(0, reads.Misses);

            // The rows are really there for the other API, with the value the generator sent; and both nodes got
            // requests (keys spread over the ring), each routed to the owner of its token.
            grpc.SetConsistency(Consistency.Quorum);
            for (int loop = 0; loop < 16; loop++) Assert.True(await grpc.ReadAsync(loop, CancellationToken.None));
            var routed = Enumerable.Range(0, (int)Math.Min(native.KeysWritten, 200)).Select(k => native.NodeFor(k)).ToHashSet();
            Assert.Equal([0, 1], routed.Order());

            native.SetConsistency("ALL");
            var all = await ClosedLoopDriver.RunAsync(4, TimeSpan.FromSeconds(1), native.WriteAsync, null, CancellationToken.None);
            Assert.Equal(0, all.Failed);
        }
        finally
        {
            await cluster.StopAsync(TimeSpan.FromSeconds(30));
            try { Directory.Delete(dataRoot, recursive: true); }
            catch (IOException) { }
        }
    }

    [Fact]
    public async Task An_error_reply_fails_the_request_as_the_benchmark_counts_failures()
    {
        var ports = FreePorts.Take(3);
        string dataRoot = Path.Combine(Path.GetTempPath(), $"ringstore-bench-native-{Guid.NewGuid():N}");
        var options = new LocalClusterOptions
        {
            Nodes = 1,
            DataRoot = dataRoot,
            ClusterName = "bench-native-error",
            InternodePorts = [ports[0]],
            GrpcPorts = [ports[1]],
            NativePorts = [ports[2]],
        };
        using var cluster = new LocalClusterHost(options);
        try
        {
            await cluster.StartAsync(TimeSpan.FromMinutes(3));
            await using var connection = await NativeBenchConnection.OpenAsync(cluster.Nodes[0].Options.NativeEndpoint, CancellationToken.None);
            // No bench.kv here: PREPARE fails with the node's Invalid error (0x2200), as a RpcException the drivers count.
            var e = await Assert.ThrowsAsync<NativeRequestException>(() => connection.PrepareAsync(NativeClusterWorkload.InsertCql));
            Assert.Equal(0x2200, e.Code);
            // The connection keeps serving after an error reply.
            var reply = await connection.SendAsync(NativeBenchFrames.Query(1, "SELECT release_version FROM system.local", 1), 1);
            Assert.Equal(1, reply.RowCount);
        }
        finally
        {
            await cluster.StopAsync(TimeSpan.FromSeconds(30));
            try { Directory.Delete(dataRoot, recursive: true); }
            catch (IOException) { }
        }
    }
}

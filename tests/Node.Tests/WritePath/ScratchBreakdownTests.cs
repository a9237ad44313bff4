using Microsoft.Extensions.Logging.Abstractions;
using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Node.Metrics;
using RingStore.Node.Requests;
using RingStore.Node.Tests.Cluster;
using RingStore.Node.Verbs;
using RingStore.Storage.CommitLog;
using RingStore.Storage.Engine;
using Xunit.Abstractions;

namespace RingStore.Node.Tests.WritePath;

[Collection(AllocationCollection.Name)]
public sealed class ScratchBreakdownTests(ITestOutputHelper output)
{
    private static readonly TableSchema Schema = new("ks", "t",
        [new ColumnDefinition("pk", ColumnType.BigInt)],
        [new ClusteringColumn("ck", ColumnType.Int)],
        [new ColumnDefinition("v", ColumnType.Text)]);

    [Fact]
    public async Task Breakdown()
    {
        string value = new('v', 100);
        int n = 20000;
        var updates = Enumerable.Range(0, 2 * n).Select(i => SampleData.Upsert(Schema, i, 1, value)).ToArray();
        var payloads = updates.Select(u => (ReadOnlyMemory<byte>)CoordinationMessageSerializer.Serialize(MutationMessage.For(u))).ToArray();

        long t0 = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < n; i++) CoordinationMessageSerializer.Deserialize<MutationMessage>(payloads[i]).ToUpdate();
        output.WriteLine($"decode: {(GC.GetAllocatedBytesForCurrentThread() - t0) / (double)n:N0}");

        var tracker = new TopPartitionsTracker();
        for (int i = 0; i < n; i++) tracker.RecordWrite("ks.t", updates[i].PartitionKey);
        t0 = GC.GetAllocatedBytesForCurrentThread();
        for (int i = n; i < 2 * n; i++) tracker.RecordWrite("ks.t", updates[i].PartitionKey);
        output.WriteLine($"top partitions: {(GC.GetAllocatedBytesForCurrentThread() - t0) / (double)n:N0}");

        var metrics = new NodeMetrics(TimeProvider.System);
        t0 = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < n; i++) metrics.ReplicaWrite(TimeSpan.FromMicroseconds(i));
        output.WriteLine($"metrics: {(GC.GetAllocatedBytesForCurrentThread() - t0) / (double)n:N0}");

        foreach (var mode in new[] { CommitLogSyncMode.Periodic, CommitLogSyncMode.Group })
        {
            string dir = Path.Combine(Path.GetTempPath(), "ringstore-tests", Guid.NewGuid().ToString("N"));
            await using var engine = StorageEngine.Open(new StorageEngineOptions { DataDirectory = dir, CommitLogSync = mode }, [Schema]);
            using var cts = new CancellationTokenSource();
            // single thread sequential
            for (int i = 0; i < 2000; i++) await engine.ApplyAsync(updates[i], cts.Token);
            long before = GC.GetTotalAllocatedBytes(true);
            await Parallel.ForAsync(2000, n, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) => await engine.ApplyAsync(updates[i], cts.Token));
            output.WriteLine($"engine {mode} 32 writers: {(GC.GetTotalAllocatedBytes(true) - before) / (double)(n - 2000):N0}");
            var replica = new LocalReplica(engine, metrics, new TopPartitionsTracker());
            before = GC.GetTotalAllocatedBytes(true);
            await Parallel.ForAsync(n, 2 * n, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) => await replica.ApplyAsync(updates[i], cts.Token));
            output.WriteLine($"replica {mode} 32 writers: {(GC.GetTotalAllocatedBytes(true) - before) / (double)n:N0}");
        }
        // Parallel.ForAsync overhead itself
        long b2 = GC.GetTotalAllocatedBytes(true);
        await Parallel.ForAsync(0, n, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) => await Task.Yield());
        output.WriteLine($"parallel overhead: {(GC.GetTotalAllocatedBytes(true) - b2) / (double)n:N0}");
    }
}

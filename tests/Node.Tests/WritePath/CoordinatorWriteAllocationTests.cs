using System.Diagnostics.Tracing;
using Grpc.Net.Client;
using RingStore.Client.Protos;
using RingStore.Client.Sessions;
using RingStore.Core.Consistency;
using RingStore.Core.Schema;
using RingStore.Node.Tests.Cluster;
using Xunit.Abstractions;

namespace RingStore.Node.Tests.WritePath;

/// <summary>
/// The managed bytes one QUORUM write allocates on three in-process nodes over real TCP (and, through a Session, real
/// gRPC), counted process-wide: the coordinator (planning, ack tracking, the outgoing replica messages and their
/// responses), the two remote replicas' inbound frames and replies, and the three replica writes. The replica side
/// alone is <see cref="ReplicaWriteAllocationTests"/>; what this adds on top of three of those is the coordinator's.
/// Allocation is an exact count, unlike time, so the budgets are regression checks a loaded machine cannot make
/// flaky (gossip's background work adds a little, spread over thousands of writes). Every write is read back.
/// Set RINGSTORE_ALLOC_PROFILE=1 to also print the sampled allocation sites by type (the runtime's AllocationTick).
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class CoordinatorWriteAllocationTests(ITestOutputHelper output)
{
    /// <summary>
    /// Bytes per QUORUM write through <c>WriteCoordinator</c> on node 0, all three nodes' work included: 8,720 after the
    /// shared deadline timer, pooled pending requests and cached replica lists of issue 20 (bench/README.md); ~10 % margin
    /// for run-to-run spread (the replicas' pooled async boxes miss their pools more or less often, a few hundred bytes).
    /// </summary>
    private const double CoordinatorBudgetBytes = 9_600;

    /// <summary>
    /// The same through a gRPC Session (client SDK, both gRPC ends, <c>ApiSession</c>, <c>ClientWrites</c>): 14,539 after
    /// the same steps (bench/README.md, issue 20); ~10 % margin.
    /// </summary>
    private const double SessionBudgetBytes = 16_000;

    private const int Writers = 32;
    private const int WarmupWrites = 3_000;
    private const int MeasuredWrites = 12_000;

    private static bool Profile => Environment.GetEnvironmentVariable("RINGSTORE_ALLOC_PROFILE") == "1";

    [Fact]
    public async Task A_quorum_write_allocates_within_its_budget_through_the_coordinator_and_through_a_session()
    {
        // Memtables large enough that no flush falls in a measured window: a flush's allocation (replica side, and
        // landing in one window or the next by chance) moved the Session figure by 2 KB between runs.
        await using var cluster = await InProcessCluster.StartAsync(3, (_, options) => options.MemtableBudgetMiB = 512, withGrpc: true);
        var table = await cluster.CreateSampleTableAsync();
        string value = new('v', 100);

        // Straight into the coordinator (no gRPC): what WriteCoordinator, messaging and the replicas allocate.
        Task Coordinate(long pk) => cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, pk, 1, value), ConsistencyLevel.Quorum, CancellationToken.None);
        await WriteAllAsync(0, WarmupWrites, Coordinate);
        double coordinated = await MeasureAsync("coordinator", WarmupWrites, MeasuredWrites, Coordinate);

        // Through a Session, as the SDK and the cluster benchmark send.
        using var channel = GrpcChannel.ForAddress($"http://{cluster.GrpcAddress(0)}");
        await using var session = RingStoreSession.Open(new RingStoreApi.RingStoreApiClient(channel));
        const long sessionKeys = 1_000_000;
        Task Call(long pk) => session.MutateAsync(Write(pk, value), DateTime.UtcNow.AddSeconds(30));
        await WriteAllAsync(sessionKeys, WarmupWrites, Call);
        double viaSession = await MeasureAsync("session", sessionKeys + WarmupWrites, MeasuredWrites, Call);

        foreach (long pk in new long[] { 0, WarmupWrites + MeasuredWrites - 1, sessionKeys, sessionKeys + WarmupWrites + MeasuredWrites - 1 })
        {
            var rows = (await cluster[1].Reads.ReadAsync("ks", SampleData.Partition(table, pk), ConsistencyLevel.Quorum, CancellationToken.None)).Rows;
            Assert.Equal(value, SampleData.Value(Assert.Single(rows)));
        }
        Assert.True(coordinated <= CoordinatorBudgetBytes, $"{coordinated:N0} bytes per coordinated QUORUM write, over the budget of {CoordinatorBudgetBytes:N0}");
        Assert.True(viaSession <= SessionBudgetBytes, $"{viaSession:N0} bytes per QUORUM write through a session, over the budget of {SessionBudgetBytes:N0}");
    }

    private async Task<double> MeasureAsync(string what, long firstKey, int count, Func<long, Task> write)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await WriteAllAsync(firstKey, count, write);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        double perWrite = (double)allocated / count;
        output.WriteLine($"{what}: {perWrite:N0} bytes allocated per QUORUM write, 3 nodes in-process ({count:N0} writes, {Writers} writers)");
        if (Profile)
        {
            using var ticks = new AllocationTicks();
            await WriteAllAsync(firstKey + count, count, write);
            foreach (var (type, bytes) in ticks.Top(30))
                output.WriteLine($"  {(double)bytes / count,8:N0} B/write  {type}");
        }
        return perWrite;
    }

    private static MutateRequest Write(long pk, string value)
    {
        var m = new Mutation { Keyspace = "ks", Table = "t" };
        m.PartitionKey.Add(new Value { Bigint = pk });
        var row = new RowWrite();
        row.Clustering.Add(new Value { Int = 1 });
        row.Cells["v"] = new Value { Text = value };
        m.Rows.Add(row);
        var request = new MutateRequest { Consistency = Consistency.Quorum };
        request.Mutations.Add(m);
        return request;
    }

    /// <summary><see cref="Writers"/> closed loops over disjoint stripes of the keys.</summary>
    private static async Task WriteAllAsync(long firstKey, int count, Func<long, Task> write)
    {
        var loops = new Task[Writers];
        for (int w = 0; w < Writers; w++)
        {
            int first = w;
            loops[w] = Task.Run(async () =>
            {
                for (int i = first; i < count; i += Writers) await write(firstKey + i);
            });
        }
        await Task.WhenAll(loops);
    }

    /// <summary>
    /// The runtime's GCAllocationTick events (one per ~100 KB allocated, naming the type that crossed the mark), summed
    /// by type: a sampled profile of what is allocated, without an external tool.
    /// </summary>
    private sealed class AllocationTicks : EventListener
    {
        private readonly Dictionary<string, long> _bytes = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
            int name = e.PayloadNames!.IndexOf("TypeName");
            int amount = e.PayloadNames.IndexOf("AllocationAmount64");
            if (name < 0 || amount < 0) return;
            string type = e.Payload[name] as string ?? "?";
            long bytes = Convert.ToInt64(e.Payload[amount], System.Globalization.CultureInfo.InvariantCulture);
            lock (_bytes) _bytes[type] = _bytes.GetValueOrDefault(type) + bytes;
        }

        public List<(string Type, long Bytes)> Top(int n)
        {
            lock (_bytes) return [.. _bytes.OrderByDescending(p => p.Value).Take(n).Select(p => (p.Key, p.Value))];
        }
    }
}

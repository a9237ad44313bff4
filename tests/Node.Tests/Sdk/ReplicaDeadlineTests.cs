using System.Diagnostics;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using RingStore.Client.Protos;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Values;
using Row = RingStore.Core.Data.Row;
using ConsistencyLevel = RingStore.Core.Consistency.ConsistencyLevel;
using RingStore.Node.Messaging;
using RingStore.Node.Tests.Cluster;
using Xunit.Abstractions;

namespace RingStore.Node.Tests.Sdk;

/// <summary>
/// The client's deadline reaches the replica in the internode envelope, and the replica stops reading when it passes:
/// a read the client gave up on does no more work on the replica after a short grace. The slow read is a wide
/// partition shadowed by a partition deletion: the replica merges every row and answers none, so nothing (not its
/// reply size, not the page size) cuts the scan short. RF 1 on three nodes; the statement goes over gRPC (a unary
/// call's deadline, or a Session call's timeout_millis) to a node that is not the replica (the SDK would pick its own
/// node), so the read crosses the internode envelope. The SDK's mapping to ReadTimeout is DeadlineTests' part.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReplicaDeadlineTests(ITestOutputHelper output)
{
    private const long Pk = 7;

    /// <summary>Rows added per round until a whole scan is slow enough (this machine's speed varies by a factor of 10).</summary>
    private const int RowsPerRound = 500_000;

    private const int MaxRounds = 10;

    /// <summary>A whole scan this long leaves room for a deadline and a grace well inside it (rows are added until then).</summary>
    private static readonly TimeSpan SlowEnough = TimeSpan.FromSeconds(2);

    /// <summary>The least a whole scan may take after <see cref="MaxRounds"/> rounds (a very fast machine) for the test to mean anything.</summary>
    /// (An idle CI machine scans the 5M shadowed rows in 0.8-0.9 s; a deadline of a tenth of that, 80 ms, is still
    /// thousands of 64-row checks into the read.)
    private static readonly TimeSpan SlowEnoughAtLeast = TimeSpan.FromMilliseconds(300);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_read_past_the_client_deadline_stops_reading_rows_on_the_replica(bool useSessions)
    {
        // The whole scans below must not hit the coordinator's own read timeout; the rows stay in the memtable (no
        // flush, so no compaction, which would purge the shadowed rows and shrink the scan).
        await using var cluster = await InProcessCluster.StartAsync(3, (_, o) =>
        {
            o.ReadTimeout = TimeSpan.FromMinutes(2);
            o.MemtableBudgetMiB = 2048;
            o.MemtableSpaceMiB = 4096;
            o.CommitLogTotalSpaceMiB = 4096;
        }, withGrpc: true);
        var table = await cluster.CreateSampleTableAsync(replicationFactor: 1);
        int owner = await OwnerAsync(cluster, table);
        int coordinator = (owner + 1) % cluster.Count;
        using var channel = GrpcChannel.ForAddress($"http://{cluster.GrpcAddress(coordinator)}");
        var api = new RingStoreApi.RingStoreApiClient(channel);
        string select = $"SELECT * FROM ks.t WHERE pk = {Pk}";
        long RowsRead() => cluster[owner].Engine.MetricsOf(table.FullName).PartitionRowsRead;

        // Whole scans, with all the time they need, on a partition that grows until one takes long enough here.
        long rows = 0;
        TimeSpan fullScan = TimeSpan.Zero;
        for (int round = 0; round < MaxRounds && fullScan < SlowEnough; round++)
        {
            await AddShadowedRowsAsync(cluster, table, owner, first: (int)rows);
            rows += RowsPerRound;
            long before = RowsRead();
            var watch = Stopwatch.StartNew();
            var whole = await ExecuteAsync(api, select, TimeSpan.FromMinutes(2), useSessions);
            fullScan = watch.Elapsed;
            Assert.True(whole.Error is null, $"the whole scan failed: {whole.Error}");
            Assert.Empty(whole.Execute.Rows);
            Assert.True(RowsRead() - before >= rows, $"a whole scan read {RowsRead() - before} of {rows} rows");
        }
        output.WriteLine($"whole scan of {rows} rows: {fullScan.TotalMilliseconds:0} ms");
        Assert.True(fullScan >= SlowEnoughAtLeast, $"a whole scan of {rows} rows took only {fullScan.TotalMilliseconds:0} ms");

        var drops = cluster[owner].Messaging.Counters;
        long droppedBefore = drops.ExpiredRequestsDroppedOf(Verb.Read);
        // A deadline a tenth of the whole scan (this machine's speed varies), the grace a quarter of it.
        var deadline = fullScan / 10;
        var grace = fullScan / 4;
        long startedAt = RowsRead();
        var clock = Stopwatch.StartNew();
        var timedOut = await ExecuteAsync(api, select, deadline, useSessions);
        Assert.True(timedOut.Error is { StatusCode: (int)StatusCode.DeadlineExceeded }, $"expected DeadlineExceeded, got {timedOut}");
        var remaining = grace - clock.Elapsed + deadline;
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining);
        long atGrace = RowsRead();

        // Past the point where an unstopped read would have finished: not one more row read.
        await Task.Delay(fullScan);
        long later = RowsRead();
        output.WriteLine($"deadline {deadline.TotalMilliseconds:0} ms, grace {grace.TotalMilliseconds:0} ms; dropped so far {drops.ExpiredRequestsDroppedOf(Verb.Read) - droppedBefore}, all verbs {drops.ExpiredRequestsDropped}");
        output.WriteLine($"rows read by the abandoned read: {atGrace - startedAt} by the grace, {later - startedAt} after a whole scan's time");
        Assert.True(later == atGrace, $"the replica read {later - atGrace} rows after the deadline and grace: it did not stop");
        Assert.True(atGrace - startedAt < rows, "the abandoned read finished its scan");
        // It stopped because its expiry passed (counted as a dropped read), not because it finished.
        await cluster.WaitUntilAsync(() => drops.ExpiredRequestsDroppedOf(Verb.Read) > droppedBefore, TimeSpan.FromSeconds(10),
            "the replica counts the expired read as dropped");
        output.WriteLine($"expired reads dropped on the replica: {drops.ExpiredRequestsDroppedOf(Verb.Read) - droppedBefore}");
    }

    /// <summary>One statement at ONE with a deadline, as a unary call or as the one call of a Session stream.</summary>
    private static async Task<SessionReply> ExecuteAsync(RingStoreApi.RingStoreApiClient api, string cql, TimeSpan timeout, bool useSessions)
    {
        var request = new ExecuteRequest { Statement = cql, Consistency = Consistency.One };
        if (!useSessions)
        {
            try
            {
                return new SessionReply { Execute = await api.ExecuteAsync(request, deadline: DateTime.UtcNow + timeout) };
            }
            catch (RpcException e)
            {
                return new SessionReply { Error = new SessionError { StatusCode = (int)e.StatusCode, Detail = e.Status.Detail } };
            }
        }
        using var session = api.Session();
        await session.RequestStream.WriteAsync(new SessionRequest
        {
            Calls = { new SessionCall { Id = 1, Execute = request, TimeoutMillis = (uint)Math.Max(1, timeout.TotalMilliseconds) } },
        });
        Assert.True(await session.ResponseStream.MoveNext(CancellationToken.None), "the session ended without a reply");
        var reply = Assert.Single(session.ResponseStream.Current.Replies);
        await session.RequestStream.CompleteAsync();
        return reply;
    }

    /// <summary>Writes one row of partition <see cref="Pk"/> through the cluster and returns the index of the node that holds it.</summary>
    private static async Task<int> OwnerAsync(InProcessCluster cluster, Core.Schema.TableSchema table)
    {
        await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, Pk, -1, "probe"), ConsistencyLevel.One, CancellationToken.None);
        return Enumerable.Range(0, cluster.Count).Single(i => cluster[i].Engine.Read(SampleData.Partition(table, Pk)).Rows.Count > 0);
    }

    /// <summary>
    /// Writes <see cref="RowsPerRound"/> rows of partition <see cref="Pk"/> from <paramref name="first"/> on straight into
    /// its replica's engine, then deletes the partition through the cluster (a later timestamp shadows them all).
    /// </summary>
    private static async Task AddShadowedRowsAsync(InProcessCluster cluster, Core.Schema.TableSchema table, int owner, int first)
    {
        var key = SampleData.Key(table, Pk);
        long ts = SampleData.NextTimestamp();
        var value = Encoding.UTF8.GetBytes("x");
        const int batch = 10_000;
        for (int start = first; start < first + RowsPerRound; start += batch)
        {
            var rows = new Row[batch];
            for (int i = 0; i < batch; i++)
                rows[i] = new Row(ClusteringKeyCodec.Encode(table.Clustering, [start + i]), LivenessInfo.At(ts), DeletionTime.Live, [Cell.Live(0, ts, value)]);
            await cluster[owner].Engine.ApplyAsync(PartitionUpdate.OfRows(table.FullName, key, rows));
        }
        var deletion = new DeletionTime(SampleData.NextTimestamp(), (int)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        await cluster[0].Writes.WriteAsync("ks", PartitionUpdate.DeletePartition(table.FullName, key, deletion), ConsistencyLevel.One, CancellationToken.None);
    }
}

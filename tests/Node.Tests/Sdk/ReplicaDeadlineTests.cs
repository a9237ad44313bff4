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

    /// <summary>Enough rows that a whole scan takes well over the deadline and grace below on any machine we run on.</summary>
    private const int Rows = 500_000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_read_past_the_client_deadline_stops_reading_rows_on_the_replica(bool useSessions)
    {
        // The whole scan below must not hit the coordinator's own read timeout.
        await using var cluster = await InProcessCluster.StartAsync(3, (_, o) => o.ReadTimeout = TimeSpan.FromMinutes(2), withGrpc: true);
        var table = await cluster.CreateSampleTableAsync(replicationFactor: 1);
        int owner = await WideShadowedPartitionAsync(cluster, table);
        int coordinator = (owner + 1) % cluster.Count;
        using var channel = GrpcChannel.ForAddress($"http://{cluster.GrpcAddress(coordinator)}");
        var api = new RingStoreApi.RingStoreApiClient(channel);
        string select = $"SELECT * FROM ks.t WHERE pk = {Pk}";
        long RowsRead() => cluster[owner].Engine.MetricsOf(table.FullName).PartitionRowsRead;

        // A whole scan, with all the time it needs: how long one takes here, and that it reads every row.
        long before = RowsRead();
        var clock = Stopwatch.StartNew();
        var whole = await ExecuteAsync(api, select, TimeSpan.FromMinutes(2), useSessions);
        Assert.True(whole.Error is null, $"the whole scan failed: {whole.Error}");
        Assert.Empty(whole.Execute.Rows);
        var fullScan = clock.Elapsed;
        Assert.True(RowsRead() - before >= Rows, $"a whole scan read {RowsRead() - before} rows");
        output.WriteLine($"whole scan: {fullScan.TotalMilliseconds:0} ms");
        Assert.True(fullScan > TimeSpan.FromMilliseconds(400), $"a whole scan took only {fullScan.TotalMilliseconds:0} ms: too fast to tell a stopped read from a finished one");

        var drops = cluster[owner].Messaging.Counters;
        long droppedBefore = drops.ExpiredRequestsDroppedOf(Verb.Read);
        // A deadline a tenth of the whole scan (this machine's speed varies), the grace a quarter of it.
        var deadline = fullScan / 10;
        var grace = fullScan / 4;
        before = RowsRead();
        clock.Restart();
        var timedOut = await ExecuteAsync(api, select, deadline, useSessions);
        Assert.True(timedOut.Error is { StatusCode: (int)StatusCode.DeadlineExceeded }, $"expected DeadlineExceeded, got {timedOut}");
        var remaining = grace - clock.Elapsed + deadline;
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining);
        long atGrace = RowsRead();

        // Past the point where an unstopped read would have finished: not one more row read.
        await Task.Delay(fullScan);
        long later = RowsRead();
        output.WriteLine($"deadline {deadline.TotalMilliseconds:0} ms, grace {grace.TotalMilliseconds:0} ms; dropped so far {drops.ExpiredRequestsDroppedOf(Verb.Read) - droppedBefore}, all verbs {drops.ExpiredRequestsDropped}");
        output.WriteLine($"rows read by the abandoned read: {atGrace - before} by the grace, {later - before} after a whole scan's time");
        Assert.True(later == atGrace, $"the replica read {later - atGrace} rows after the deadline and grace: it did not stop");
        Assert.True(atGrace - before < Rows, "the abandoned read finished its scan");
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

    /// <summary>
    /// Writes <see cref="Rows"/> rows of partition <see cref="Pk"/> straight into its replica's engine, then deletes the
    /// partition through the cluster (a later timestamp shadows them all). Returns the replica's index.
    /// </summary>
    private static async Task<int> WideShadowedPartitionAsync(InProcessCluster cluster, Core.Schema.TableSchema table)
    {
        await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, Pk, -1, "probe"), ConsistencyLevel.One, CancellationToken.None);
        int owner = Enumerable.Range(0, cluster.Count).Single(i => cluster[i].Engine.Read(SampleData.Partition(table, Pk)).Rows.Count > 0);
        var key = SampleData.Key(table, Pk);
        long ts = SampleData.NextTimestamp();
        var value = Encoding.UTF8.GetBytes("x");
        const int batch = 10_000;
        for (int start = 0; start < Rows; start += batch)
        {
            var rows = new Row[batch];
            for (int i = 0; i < batch; i++)
                rows[i] = new Row(ClusteringKeyCodec.Encode(table.Clustering, [start + i]), LivenessInfo.At(ts), DeletionTime.Live, [Cell.Live(0, ts, value)]);
            await cluster[owner].Engine.ApplyAsync(PartitionUpdate.OfRows(table.FullName, key, rows));
        }
        var deletion = new DeletionTime(SampleData.NextTimestamp(), (int)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        await cluster[0].Writes.WriteAsync("ks", PartitionUpdate.DeletePartition(table.FullName, key, deletion), ConsistencyLevel.One, CancellationToken.None);
        return owner;
    }
}

using RingStore.Client;
using RingStore.Core.Errors;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Sdk;

/// <summary>
/// The client's deadline travels with the request and stops the work: a scan the client gave up on stops sending
/// replica reads within a short grace, over a session as over a unary call, and the client sees ReadTimeout (not an
/// unknown transport failure). RF 1 on three nodes, so most of the scan's range pieces are remote replica reads.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DeadlineTests
{
    private const string Scan = "SELECT * FROM ks.t WHERE v = 'matches nothing' ALLOW FILTERING";

    private static long ReplicaReads(InProcessCluster cluster) =>
        Enumerable.Range(0, cluster.Count).Sum(i => cluster[i].Metrics.ReplicaReads);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_scan_past_the_client_deadline_stops_reading_replicas_and_fails_as_a_read_timeout(bool useSessions)
    {
        // 256 vnodes each (the default of a real node): a scan is hundreds of range pieces.
        await using var cluster = await InProcessCluster.StartAsync(3, (_, o) => o.NumTokens = 256, withGrpc: true);
        await cluster.CreateSampleTableAsync(replicationFactor: 1);
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions
        {
            ContactPoints = [cluster.GrpcAddress(0)],
            UseSessions = useSessions,
        });
        for (int i = 0; i < 100; i++)
            await client.ExecuteAsync(new SimpleStatement($"INSERT INTO ks.t (pk, ck, v) VALUES ({i}, 1, 'row {i}')"));

        long before = ReplicaReads(cluster);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var all = await client.ExecuteAsync(new SimpleStatement(Scan) { Timeout = TimeSpan.FromMinutes(2) });
        var fullScanTook = clock.Elapsed;
        Assert.Empty(all.Rows);
        long fullScan = ReplicaReads(cluster) - before;
        Assert.True(fullScan > 100, $"a full scan made only {fullScan} replica reads; too few to tell a stopped scan from a finished one");

        before = ReplicaReads(cluster);
        // A deadline a tenth of what the whole scan took (not a fixed figure: this machine's speed varies), so it
        // passes mid-scan.
        var deadline = TimeSpan.FromMilliseconds(Math.Max(5, fullScanTook.TotalMilliseconds / 10));
        var timedOut = await Assert.ThrowsAsync<RingStoreException>(() =>
            client.ExecuteAsync(new SimpleStatement(Scan) { Timeout = deadline }));
        Assert.True(timedOut.Kind == RequestErrorKind.ReadTimeout, $"{timedOut.Kind} {timedOut.StatusCode}: {timedOut.Message}");

        // Grace for the requests already in flight, then nothing more may start.
        long settled = await SettledAsync(() => ReplicaReads(cluster));
        long afterGrace = settled - before;
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(settled, ReplicaReads(cluster));
        Assert.True(afterGrace < fullScan, $"the abandoned scan made {afterGrace} replica reads, as many as a whole scan ({fullScan}): it was not stopped");
    }

    /// <summary>The counter once it has not moved for a second (bounded: 30 s), i.e. after the in-flight requests.</summary>
    private static async Task<long> SettledAsync(Func<long> counter)
    {
        long last = counter();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            long now = counter();
            if (now == last) return now;
            last = now;
        }
        return last;
    }
}

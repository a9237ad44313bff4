using Xunit.Abstractions;
using System.Text;
using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Node.Repair;
using RingStore.Node.Tests.Cluster;
using RingStore.Storage.Repair;

namespace RingStore.Node.Tests.Repair;

/// <summary>
/// Anti-entropy repair on in-process nodes over real TCP and files: a replica that missed writes and deletes (hints
/// deleted, as past the hint window) and replicas with divergence planted directly in their engines end up holding
/// exactly the same data (checked in each node's engine), deleted rows stay deleted, and a second repair sends nothing.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RepairInProcessTests(ITestOutputHelper output)
{
    private static readonly RepairRequestOptions All = new("ks", "t", PrimaryOnly: false, []);

    private static PartitionUpdate DeleteRow(TableSchema table, long pk, int ck) =>
        PartitionUpdate.OfRows(table.FullName, SampleData.Key(table, pk), new Row(ClusteringKeyCodec.Encode(table.Clustering, [ck]),
            LivenessInfo.None, new DeletionTime(SampleData.NextTimestamp(), (int)DateTimeOffset.UtcNow.ToUnixTimeSeconds()), []));

    private static async Task<RepairSummary> RepairAsync(InProcessCluster cluster, int node)
    {
        var progress = new List<RepairProgress>();
        var summary = await cluster[node].Repairs.RepairAsync(All, p => { progress.Add(p); return Task.CompletedTask; }, CancellationToken.None)
            .WaitAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(summary.RangesTotal, progress.Count);
        Assert.True(summary.RangesFailed == 0, string.Join("\n", summary.Failures));
        return summary;
    }

    /// <summary>Every entry (rows, partition deletions, range tombstones, all timestamps) of the whole ring, canonically hashed.</summary>
    private static List<RepairEntry> Entries(InProcessCluster cluster, int node, int now) =>
        [.. RepairScan.Entries(cluster[node].Engine, "ks.t", long.MinValue, long.MaxValue, now)];

    private static void AssertSameData(InProcessCluster cluster, int now)
    {
        var reference = Entries(cluster, 0, now);
        for (int n = 1; n < 3; n++)
        {
            var other = Entries(cluster, n, now);
            Assert.Equal(reference.Count, other.Count);
            Assert.Equal(reference.Select(e => (e.Key, e.Digest)), other.Select(e => (e.Key, e.Digest)));
        }
    }

    [Fact]
    public async Task A_replica_that_missed_writes_and_deletes_is_repaired_and_a_second_repair_sends_nothing()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync();
        for (int i = 0; i < 200; i++)
            await cluster[i % 2].Writes.WriteAsync("ks", SampleData.Upsert(table, i, 1, $"v{i}"), ConsistencyLevel.All, CancellationToken.None);

        Guid downHost = cluster[2].Identity.HostId;
        await cluster.StopNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster.AllSeeDown(2), TimeSpan.FromSeconds(30), "node 2 seen down");
        for (int i = 200; i < 500; i++)
            await cluster[i % 2].Writes.WriteAsync("ks", SampleData.Upsert(table, i, 1, $"v{i}"), ConsistencyLevel.Quorum, CancellationToken.None);
        for (int i = 0; i < 50; i++)
            await cluster[i % 2].Writes.WriteAsync("ks", DeleteRow(table, i * 3, 1), ConsistencyLevel.Quorum, CancellationToken.None);
        // Past the hint window: the down replica gets nothing from hinted handoff.
        await cluster[0].Hints.DeleteAllAsync(downHost);
        await cluster[1].Hints.DeleteAllAsync(downHost);

        await cluster.StartNodeAsync(2);
        await cluster.WaitUntilAsync(cluster.AllSeeAllUp, TimeSpan.FromSeconds(30), "all up");
        Assert.Empty(cluster[2].Engine.Read(SampleData.Partition(table, 499)).Rows); // it really missed them

        var first = await RepairAsync(cluster, 2);
        // Row-level, no overstreaming: node 2 lacked 300 rows and 50 tombstones, and only those moved, only to node 2.
        Assert.Equal(350, first.Totals.EntriesDiffering);
        Assert.Equal(350, first.Totals.RowsSent);
        output.WriteLine($"first repair: {first.RangesTotal} ranges, {first.Totals.EntriesCompared} compared, {first.Totals.EntriesDiffering} differing, " +
            $"{first.Totals.RowsSent} rows sent ({first.Totals.BytesSent} bytes), {first.Totals.DifferingLeaves} differing leaves");
        int now = (int)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        AssertSameData(cluster, now);
        for (int n = 0; n < 3; n++)
            for (int i = 0; i < 500; i++)
            {
                var rows = cluster[n].Engine.Read(SampleData.Partition(table, i)).Rows;
                if (i < 150 && i % 3 == 0) Assert.Empty(rows); // deleted: not back
                else Assert.Equal($"v{i}", SampleData.Value(Assert.Single(rows)));
            }

        var second = await RepairAsync(cluster, 2);
        Assert.Equal(0, second.Totals.RowsSent);
        Assert.Equal(0, second.Totals.EntriesDiffering);
        Assert.Contains(cluster[2].Repairs.History.Entries, e => e.Table == "ks.t");
    }

    [Fact]
    public async Task Divergence_planted_in_engines_is_found_and_fixed_and_layouts_do_not_matter()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync();
        for (int i = 0; i < 100; i++)
            await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, i, 1, $"v{i}"), ConsistencyLevel.All, CancellationToken.None);
        int now = (int)DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        // Missing rows: only node 0 has 100..119.
        for (int i = 100; i < 120; i++) await cluster[0].Engine.ApplyAsync(SampleData.Upsert(table, i, 1, $"v{i}"));
        // An older version on nodes 0 and 2: node 1 alone has the newer value of row 5.
        await cluster[1].Engine.ApplyAsync(SampleData.Upsert(table, 5, 1, "newer"));
        // A tombstone on one side only.
        await cluster[2].Engine.ApplyAsync(DeleteRow(table, 7, 1));
        // An expired TTL cell (written 100 s ago with TTL 10) on node 0 only, and a partition deletion on node 1 only.
        long old = SampleData.NextTimestamp();
        await cluster[0].Engine.ApplyAsync(PartitionUpdate.OfRows(table.FullName, SampleData.Key(table, 200),
            new Row(ClusteringKeyCodec.Encode(table.Clustering, [1]), LivenessInfo.Expiring(old, 10, now - 100), DeletionTime.Live,
                [Cell.Expiring(0, old, Encoding.UTF8.GetBytes("ttl"), 10, now - 100)])));
        await cluster[1].Engine.ApplyAsync(PartitionUpdate.DeletePartition(table.FullName, SampleData.Key(table, 9),
            new DeletionTime(SampleData.NextTimestamp(), now)));
        await cluster[1].Engine.FlushAsync(); // layouts differ: some of node 1 in an SSTable, the others in memtables

        var first = await RepairAsync(cluster, 0);
        Assert.True(first.Totals.EntriesDiffering >= 20 + 4, $"differing {first.Totals.EntriesDiffering}");
        now = (int)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        AssertSameData(cluster, now);
        for (int n = 0; n < 3; n++)
        {
            Assert.Equal("newer", SampleData.Value(Assert.Single(cluster[n].Engine.Read(SampleData.Partition(table, 5)).Rows)));
            Assert.Empty(cluster[n].Engine.Read(SampleData.Partition(table, 7)).Rows);
            Assert.Empty(cluster[n].Engine.Read(SampleData.Partition(table, 9)).Rows);
            Assert.Empty(cluster[n].Engine.Read(SampleData.Partition(table, 200)).Rows);
            Assert.Equal("v119", SampleData.Value(Assert.Single(cluster[n].Engine.Read(SampleData.Partition(table, 119)).Rows)));
        }
        var second = await RepairAsync(cluster, 1);
        Assert.Equal(0, second.Totals.RowsSent);

        // Same data, different layouts (node 0 compacted into one SSTable, node 2 flushed, node 1 as it is): equal trees.
        await cluster[0].Engine.FlushAsync();
        await cluster[0].Engine.CompactAsync();
        await cluster[2].Engine.FlushAsync();
        var trees = Enumerable.Range(0, 3).Select(n => RepairScan.BuildTree(cluster[n].Engine, "ks.t", long.MinValue, long.MaxValue, 6, now).Tree).ToList();
        Assert.Equal(trees[0].Root, trees[1].Root);
        Assert.Equal(trees[0].Root, trees[2].Root);
    }

    [Fact]
    public async Task A_down_replica_fails_the_ranges_it_holds_with_its_name_and_a_later_repair_completes()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync(replicationFactor: 2);
        for (int i = 0; i < 100; i++)
            await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, i, 1, $"v{i}"), ConsistencyLevel.One, CancellationToken.None);
        await cluster.StopNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster.AllSeeDown(2), TimeSpan.FromSeconds(30), "node 2 seen down");

        var summary = await cluster[0].Repairs.RepairAsync(All, _ => Task.CompletedTask, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(3));
        // RF 2 of 3 nodes: some of node 0's ranges are shared with node 2 (they fail), others with node 1 (they succeed).
        Assert.True(summary.RangesFailed > 0 && summary.RangesFailed < summary.RangesTotal, $"{summary.RangesFailed} of {summary.RangesTotal} failed");
        Assert.All(summary.Failures, f => Assert.Contains($"replica {cluster.Endpoint(2)} is down", f));

        await cluster.StartNodeAsync(2);
        await cluster.WaitUntilAsync(cluster.AllSeeAllUp, TimeSpan.FromSeconds(30), "all up");
        await RepairAsync(cluster, 0);
    }

    [Fact]
    public async Task A_replica_that_stops_during_a_repair_fails_only_the_ranges_after_it_stopped_and_the_cluster_keeps_serving()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync(replicationFactor: 3);
        for (int i = 0; i < 100; i++)
            await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, i, 1, $"v{i}"), ConsistencyLevel.Quorum, CancellationToken.None);

        int seen = 0;
        var summary = await cluster[0].Repairs.RepairAsync(All, async p =>
        {
            // After the first range, node 2 stops (cleanly: gossip says so at once); the rest of the repair goes on.
            if (Interlocked.Increment(ref seen) == 1)
            {
                await cluster.StopNodeAsync(2);
                await cluster.WaitUntilAsync(() => !cluster[0].Membership.IsAlive(cluster.Endpoint(2)), TimeSpan.FromSeconds(30), "node 2 down");
            }
        }, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(summary.RangesTotal - 1, summary.RangesFailed);
        Assert.All(summary.Failures, f => Assert.Contains(cluster.Endpoint(2), f));

        // Still serving at QUORUM with one replica gone.
        await cluster[1].Writes.WriteAsync("ks", SampleData.Upsert(table, 1000, 1, "after"), ConsistencyLevel.Quorum, CancellationToken.None);
        var read = await cluster[0].Reads.ReadAsync("ks", SampleData.Partition(table, 1000), ConsistencyLevel.Quorum, CancellationToken.None);
        Assert.Equal("after", SampleData.Value(Assert.Single(read.Rows)));

        await cluster.StartNodeAsync(2);
        await cluster.WaitUntilAsync(cluster.AllSeeAllUp, TimeSpan.FromSeconds(30), "all up");
        await RepairAsync(cluster, 0);
    }
}

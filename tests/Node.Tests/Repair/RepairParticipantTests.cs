using System.Text;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Node.Repair;
using RingStore.Node.Schema;
using RingStore.Node.Tests.Cluster;
using RingStore.Storage.Repair;

namespace RingStore.Node.Tests.Repair;

/// <summary>
/// What the replicas of a repair other than its coordinator get: the range in their own repair history (so
/// only_purge_repaired_tombstones purges there too), and wide rows in replies and mutations capped by bytes.
/// In-process nodes over real TCP and files.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RepairParticipantTests
{
    private static async Task<RepairSummary> RepairAsync(InProcessCluster cluster, int node, string table)
    {
        var summary = await cluster[node].Repairs.RepairAsync(new RepairRequestOptions("ks", table, PrimaryOnly: false, []),
            _ => Task.CompletedTask, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(summary.RangesFailed == 0, string.Join("\n", summary.Failures));
        return summary;
    }

    private static bool HasTombstone(InProcessCluster cluster, int node, string table) =>
        cluster[node].Engine.ReadTokenRange(table, Token.Minimum, Token.Minimum).SelectMany(p => p.Rows).Any(r => !r.Deletion.IsLive);

    [Fact]
    public async Task A_participant_purges_a_tombstone_only_after_a_repair_another_node_coordinated()
    {
        await using var cluster = await InProcessCluster.StartAsync(3, (_, o) => o.OnlyPurgeRepairedTombstones = true);
        var node0 = cluster[0];
        node0.Schema.CreateKeyspace(KeyspaceDefinition.Simple("ks", 3), ifNotExists: true);
        var table = new TableSchema("ks", "purge",
            [new ColumnDefinition("pk", ColumnType.BigInt)],
            [new ClusteringColumn("ck", ColumnType.Int)],
            [new ColumnDefinition("v", ColumnType.Text)],
            new TableOptions { GcGraceSeconds = 0 });
        node0.Schema.CreateTable(table, ifNotExists: true);
        await node0.AnnounceSchemaAsync(CancellationToken.None);
        await cluster.WaitUntilAsync(() => Enumerable.Range(0, 3).All(i => cluster[i].Schema.Current.TryGetTable("ks", "purge", out _)),
            TimeSpan.FromSeconds(10), "every node has ks.purge");
        node0.Schema.Current.TryGetTable("ks", "purge", out table!);

        // The same row and the same tombstone (deleted 10 s ago, gc_grace 0) on every replica, each in its own SSTable.
        int deletedAt = (int)DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 10;
        var write = SampleData.Upsert(table, 1, 1, "deleted");
        var delete = PartitionUpdate.OfRows(table.FullName, SampleData.Key(table, 1), new Row(ClusteringKeyCodec.Encode(table.Clustering, [1]),
            LivenessInfo.None, new DeletionTime(SampleData.NextTimestamp(), deletedAt), []));
        for (int n = 0; n < 3; n++)
        {
            await cluster[n].Engine.ApplyAsync(write);
            await cluster[n].Engine.FlushAsync(table.FullName);
            await cluster[n].Engine.ApplyAsync(delete);
            await cluster[n].Engine.FlushAsync(table.FullName);
        }

        // Past gc_grace but never repaired: the participant's compaction keeps the tombstone.
        await cluster[1].Engine.CompactAsync(table.FullName);
        Assert.True(HasTombstone(cluster, 1, table.FullName), "purged before any repair");
        Assert.DoesNotContain(cluster[1].Repairs.History.Entries, e => e.Table == table.FullName);

        // Node 0 coordinates; nodes 1 and 2 only take part, and still record every range.
        var summary = await RepairAsync(cluster, 0, "purge");
        foreach (int participant in new[] { 1, 2 })
        {
            var recorded = cluster[participant].Repairs.History.Entries.Where(e => e.Table == table.FullName).ToList();
            Assert.Equal(summary.RangesTotal, recorded.Count);
            Assert.All(recorded, e => Assert.True(e.RepairedAtUnixSeconds > deletedAt));
        }

        await cluster[1].Engine.FlushAsync(table.FullName);
        await cluster[1].Engine.CompactAsync(table.FullName);
        Assert.False(HasTombstone(cluster, 1, table.FullName), "the participant kept a tombstone of a repaired range");
        Assert.Empty(cluster[1].Engine.Read(SampleData.Partition(table, 1)).Rows); // and the deleted row stays deleted
    }

    [Fact]
    public async Task Wide_rows_come_back_in_replies_capped_by_bytes_and_reach_the_replicas_that_lacked_them()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync();
        // 36 rows of 1 MiB in one partition, on node 0 only: uncapped, one fetch reply (or one mutation) would be
        // 36 MiB, past the 32 MiB internode frame limit.
        const int Rows = 36;
        string big = new('x', 1 << 20);
        for (int ck = 0; ck < Rows; ck++)
            await cluster[0].Engine.ApplyAsync(SampleData.Upsert(table, 7, ck, big + ck.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // Node 0's own fetch stops at its reply budget (4 MiB by default) and resumes where it stopped.
        int now = (int)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var entries = RepairScan.Entries(cluster[0].Engine, table.FullName, long.MinValue, long.MaxValue, now).Where(e => !e.IsHeader).ToList();
        Assert.Equal(Rows, entries.Count);
        var replica = new LocalRepairReplica(cluster[0].Local, "node0", cluster[0].Repairs.History);
        var fetched = new List<Row>();
        int replies = 0;
        for (int next = 0; next < entries.Count; replies++)
        {
            var reply = replica.Fetch(table.FullName, entries[next..]);
            Assert.InRange(reply.Served, 1, entries.Count - next);
            long bytes = reply.Partitions.Sum(p => p.Rows.Sum(r => (long)r.EstimatedSizeBytes));
            Assert.True(bytes <= cluster[0].Local.ReplyMaxBytes + (2 << 20), $"a reply of {bytes} bytes");
            fetched.AddRange(reply.Partitions.SelectMany(p => p.Rows));
            next += reply.Served;
        }
        Assert.True(replies >= Rows / 4, $"{replies} replies for {Rows} MiB");
        Assert.Equal(entries.Select(e => Convert.ToHexString(e.Clustering)), fetched.Select(r => Convert.ToHexString(r.Clustering)));

        // A repair coordinated by node 1 fetches them from node 0 over the wire and writes them to nodes 1 and 2.
        var summary = await RepairAsync(cluster, 1, "t");
        Assert.Equal(Rows, summary.Totals.EntriesDiffering);
        Assert.Equal(2 * Rows, summary.Totals.RowsSent);
        for (int n = 1; n < 3; n++)
        {
            var rows = cluster[n].Engine.Read(SampleData.Partition(table, 7)).Rows;
            Assert.Equal(Rows, rows.Count);
            Assert.All(rows, r => Assert.StartsWith(big, SampleData.Value(r), StringComparison.Ordinal));
        }
        Assert.Equal(0, (await RepairAsync(cluster, 2, "t")).Totals.RowsSent);
    }
}

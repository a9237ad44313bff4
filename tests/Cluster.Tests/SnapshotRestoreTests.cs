using Grpc.Core;
using RingStore.Client.Protos;

namespace RingStore.Cluster.Tests;

/// <summary>
/// Backup and restore end to end on real node processes through the `ringstore` CLI: snapshot every node, drop the
/// table, restore it (re-created from schema.cql) and read every row at QUORUM; and the loader taking a 3-node
/// cluster's snapshot into a 4-node cluster with other tokens, timestamps and tombstones as they were.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class SnapshotRestoreTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Keyspace = "bk";
    private const int Rows = 400;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    private void Step(string what) => output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {what}");

    private static async Task<RingstoreCommand> RunAsync(params string[] args)
    {
        var command = new RingstoreCommand(args);
        int exit = await command.WaitForExitAsync(CommandTimeout);
        Assert.True(exit == 0, $"ringstore {string.Join(' ', args)} exited {exit}\n{command}");
        return command;
    }

    private static async Task WriteRowsAsync(ProcessCluster cluster)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, Rows), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (k, ct) =>
            await cluster.Client(k % cluster.Count).MutateAsync(KvTable.Write(Keyspace, k, $"value-{k}", 1_000_000 + k, Consistency.Quorum), ProcessCluster.Call(30)));
    }

    private static async Task AssertEveryRowAsync(ProcessCluster cluster, Func<long, string?> expected)
    {
        for (int k = 0; k < Rows; k++)
        {
            var response = await cluster.Client(k % cluster.Count).ReadAsync(KvTable.Read(Keyspace, k, Consistency.Quorum), ProcessCluster.Call(30));
            Assert.True(expected(k) == KvTable.Value(response), $"row {k}: expected '{expected(k)}', read '{KvTable.Value(response)}'");
        }
    }

    [Fact]
    public async Task Snapshot_drop_and_restore_brings_back_every_row()
    {
        await using var cluster = await ProcessCluster.StartAsync(3);
        string dir = cluster.Options.DataRoot;
        await cluster.CreateKeyspaceAsync(Keyspace, 2);
        await cluster.CreateTableAsync(KvTable.Create(Keyspace));
        await WriteRowsAsync(cluster);
        Step($"{Rows} rows written at QUORUM (RF 2)");

        using (var snapshot = await RunAsync("snapshot", "--tag", "before-drop", "--dir", dir, Keyspace))
            Assert.Equal(3, snapshot.Stdout.Split('\n').Count(l => l.Contains("bk.kv: snapshot before-drop", StringComparison.Ordinal)));
        Step("snapshot before-drop taken on 3 nodes");

        await cluster.Client(0).DropTableAsync(new DropTableRequest { Keyspace = Keyspace, Name = KvTable.Name }, ProcessCluster.Call());
        await ProcessCluster.WaitUntilAsync(async () =>
        {
            for (int i = 0; i < cluster.Count; i++)
                if ((await cluster.Client(i).DescribeSchemaAsync(new DescribeSchemaRequest(), ProcessCluster.Call())).Tables.Any(t => t.Name == KvTable.Name)) return false;
            return true;
        }, "every node dropped bk.kv");
        var gone = await Assert.ThrowsAsync<RpcException>(() => cluster.Client(0).ReadAsync(KvTable.Read(Keyspace, 1, Consistency.Quorum), ProcessCluster.Call()).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Step("table dropped");

        using (var list = await RunAsync("listsnapshots", "--dir", dir))
        {
            Assert.Equal(3, list.Stdout.Split('\n').Count(l => l.Contains("before-drop", StringComparison.Ordinal) && l.Contains("table dropped", StringComparison.Ordinal)));
            Assert.Equal(3, list.Stdout.Split('\n').Count(l => l.Contains("dropped-", StringComparison.Ordinal))); // the automatic snapshot of DROP
        }

        using (var restore = await RunAsync("restore", "--tag", "before-drop", "--dir", dir, Keyspace, KvTable.Name))
            Assert.Contains("re-created from schema.cql", restore.Stdout, StringComparison.Ordinal);
        Step("restored");
        await AssertEveryRowAsync(cluster, k => $"value-{k}");

        using (var clear = await RunAsync("clearsnapshot", "--dir", dir))
            Assert.Equal(3, clear.Stdout.Split('\n').Count(l => l.Contains("cleared 2 table snapshots", StringComparison.Ordinal)));
        using (var empty = await RunAsync("listsnapshots", "--dir", dir))
            Assert.Equal(3, empty.Stdout.Split('\n').Count(l => l.Contains("no snapshots", StringComparison.Ordinal)));
        await AssertEveryRowAsync(cluster, k => $"value-{k}"); // clearing the snapshots left the restored data alone
    }

    [Fact]
    public async Task A_three_node_snapshot_loads_into_a_four_node_cluster_with_timestamps_and_tombstones()
    {
        string sourceDir;
        await using var source = await ProcessCluster.StartAsync(3);
        sourceDir = source.Options.DataRoot;
        await source.CreateKeyspaceAsync(Keyspace, 2);
        await source.CreateTableAsync(KvTable.Create(Keyspace));
        await WriteRowsAsync(source);
        // Row 7 deleted after it was written: the tombstone must travel and beat the target's own older write.
        await source.Client(0).MutateAsync(new MutateRequest
        {
            Consistency = Consistency.Quorum,
            Mutations = { new Mutation { Keyspace = Keyspace, Table = KvTable.Name, PartitionKey = { new Value { Bigint = 7 } }, DeletePartition = true, TimestampMicros = 2_000_000 } },
        }, ProcessCluster.Call());
        using (await RunAsync("snapshot", "--tag", "to-load", "--dir", sourceDir)) { }
        // The snapshot stays on disk; the source's processes go, so two clusters never run at once on two cores.
        for (int i = 0; i < source.Count; i++) await source.StopAsync(i);
        Step("3-node source snapshotted and stopped");

        await using var target = await ProcessCluster.StartAsync(4);
        await target.CreateKeyspaceAsync(Keyspace, 3);
        await target.CreateTableAsync(KvTable.Create(Keyspace));
        // Older than the snapshot's row 7 write and delete (and newer than nothing else): the load must win over it.
        await target.Client(0).MutateAsync(KvTable.Write(Keyspace, 7, "stale", 500, Consistency.All), ProcessCluster.Call());
        // Newer than the snapshot's row 8: must survive the load (the loader keeps the original timestamps).
        await target.Client(0).MutateAsync(KvTable.Write(Keyspace, 8, "newer", 9_000_000, Consistency.All), ProcessCluster.Call());
        Step("4-node target up (RF 3)");

        using (var load = await RunAsync("load", "to-load", "--dir", sourceDir, "--contact", $"{target.Node(0).Options.GrpcEndpoint},{target.Node(1).Options.GrpcEndpoint}"))
        {
            Step(load.Stdout);
            Assert.Equal(3, load.Stdout.Split('\n').Count(l => l.Contains("bk.kv -> bk.kv", StringComparison.Ordinal)));
        }
        await AssertEveryRowAsync(target, k => k switch
        {
            7 => null,
            8 => "newer",
            _ => $"value-{k}",
        });
    }
}

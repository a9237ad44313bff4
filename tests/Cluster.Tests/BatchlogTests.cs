using Grpc.Core;
using RingStore.Client.Protos;

namespace RingStore.Cluster.Tests;

/// <summary>
/// LOGGED batches on real node processes: the coordinator SIGKILLed between its batchlog write and applying the batch
/// (the node's test-only hook RINGSTORE_TEST_CRASH_AFTER_BATCHLOG=1 kills it there), and a batch one partition of
/// which is Unavailable; in both the nodes holding the batchlog entry replay it and every mutation of the batch
/// appears. Replay every second (instead of 10 s) so the wait is about the replay timeout (2x the 2 s write timeout).
/// Negative check: RINGSTORE_TEST_DISABLE_BATCHLOG=1 in the test's environment starts the nodes with the batchlog off
/// (BatchlogEnabled=false); the kill test must then fail (the batch is lost), which shows that the batchlog is what
/// makes it pass.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class BatchlogTests
{
    private const string CrashVariable = "RINGSTORE_TEST_CRASH_AFTER_BATCHLOG";
    private static readonly TimeSpan ReplayPatience = TimeSpan.FromSeconds(60);

    private static Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string> { ["BatchlogReplayInterval"] = "00:00:01", ["PhiConvictThreshold"] = "5" };
        if (Environment.GetEnvironmentVariable("RINGSTORE_TEST_DISABLE_BATCHLOG") == "1") settings["BatchlogEnabled"] = "false";
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    private static Task<ExecuteResponse> Run(ProcessCluster cluster, int node, string cql, Consistency consistency) =>
        cluster.Client(node).ExecuteAsync(new ExecuteRequest { Statement = cql, Keyspace = "bl", Consistency = consistency }, ProcessCluster.Call()).ResponseAsync;

    private static async Task<string?> ValueAsync(ProcessCluster cluster, int node, int key, Consistency consistency)
    {
        var rows = (await Run(cluster, node, $"SELECT v FROM kb WHERE pk = {key}", consistency)).Rows;
        return rows.Count == 0 ? null : rows[0].Values[0].Text;
    }

    private static async Task CreateTableAsync(ProcessCluster cluster, int replicationFactor)
    {
        await cluster.CreateKeyspaceAsync("bl", replicationFactor);
        await Run(cluster, 0, "CREATE TABLE kb (pk int PRIMARY KEY, v text)", Consistency.One);
        await ProcessCluster.WaitUntilAsync(async () =>
        {
            for (int i = 0; i < cluster.Count; i++)
            {
                if (!cluster.Node(i).IsRunning) continue;
                var schema = await cluster.Client(i).DescribeSchemaAsync(new DescribeSchemaRequest(), ProcessCluster.Call());
                if (!schema.Tables.Any(t => t.Keyspace == "bl" && t.Name == "kb")) return false;
            }
            return true;
        }, "every node has bl.kb");
    }

    [Fact]
    public async Task A_coordinator_killed_after_the_batchlog_write_loses_nothing_the_survivors_replay_the_whole_batch()
    {
        // The hook is read from the environment the node process inherits: set only while the cluster starts. Only node 0
        // ever coordinates a logged batch here, so only it dies (replays go through the plain write path, not the hook).
        ProcessCluster cluster;
        Environment.SetEnvironmentVariable(CrashVariable, "1");
        try
        {
            cluster = await ProcessCluster.StartAsync(3, Settings());
        }
        finally
        {
            Environment.SetEnvironmentVariable(CrashVariable, null);
        }
        await using var _ = cluster;
        await CreateTableAsync(cluster, 3);
        int[] keys = [.. Enumerable.Range(1, 6)];
        string batch = "BEGIN BATCH " + string.Concat(keys.Select(k => $"INSERT INTO kb (pk, v) VALUES ({k}, 'v{k}'); ")) + "APPLY BATCH";

        await Assert.ThrowsAsync<RpcException>(() => Run(cluster, 0, batch, Consistency.Quorum));
        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(!cluster.Node(0).IsRunning), "node 0 killed itself after the batchlog write");

        // Nothing of the batch was applied by the coordinator; nodes 1 and 2 each hold the entry and replay it after the
        // replay timeout. QUORUM through node 1: both survivors must have every row.
        await ProcessCluster.WaitUntilAsync(async () =>
        {
            foreach (int k in keys)
            {
                try
                {
                    if (await ValueAsync(cluster, 1, k, Consistency.Quorum) != $"v{k}") return false;
                }
                catch (RpcException)
                {
                    return false; // node 0 not yet seen down: a QUORUM read may time out on it
                }
            }
            return true;
        }, "every mutation of the batch is readable at QUORUM from the survivors", ReplayPatience);
        foreach (int k in keys) Assert.Equal($"v{k}", await ValueAsync(cluster, 2, k, Consistency.Quorum));
    }

    [Fact]
    public async Task A_batch_with_one_partition_Unavailable_is_replayed_to_completion_once_its_replica_is_back()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, Settings());
        await CreateTableAsync(cluster, 1);
        cluster.Kill(2);
        await cluster.WaitUntilSeenDownAsync(0, 2);
        await cluster.WaitUntilSeenDownAsync(1, 2);

        // RF 1: a key whose read is Unavailable lives on node 2; one that reads fine lives on node 0 or 1.
        int? onLive = null, onDead = null;
        for (int k = 1; onLive is null || onDead is null; k++)
        {
            try
            {
                await ValueAsync(cluster, 0, k, Consistency.One);
                onLive ??= k;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                onDead ??= k;
            }
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => Run(cluster, 0,
            $"BEGIN BATCH INSERT INTO kb (pk, v) VALUES ({onLive}, 'live'); INSERT INTO kb (pk, v) VALUES ({onDead}, 'replayed'); APPLY BATCH", Consistency.One));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("live", await ValueAsync(cluster, 0, onLive!.Value, Consistency.One));

        await cluster.RestartAsync(2, 3);
        // Nothing but the batchlog replay writes the second partition: its write was refused before anything was sent.
        await ProcessCluster.WaitUntilAsync(async () => await ValueAsync(cluster, 0, onDead!.Value, Consistency.One) == "replayed",
            "the replay wrote the partition whose replica was down", ReplayPatience);
    }
}

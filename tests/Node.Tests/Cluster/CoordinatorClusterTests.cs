using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Node.Messaging;

namespace RingStore.Node.Tests.Cluster;

/// <summary>
/// The coordinator on three in-process nodes over real TCP: consistency levels, Unavailable versus timeout,
/// hints for a stopped node, read repair, speculative retry and schema catch-up.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CoordinatorClusterTests
{
    private static readonly ConsistencyLevel[] WriteLevels =
        [ConsistencyLevel.Any, ConsistencyLevel.One, ConsistencyLevel.Two, ConsistencyLevel.Three, ConsistencyLevel.Quorum,
         ConsistencyLevel.All, ConsistencyLevel.LocalQuorum, ConsistencyLevel.EachQuorum, ConsistencyLevel.LocalOne];

    [Fact]
    public async Task Every_consistency_level_writes_and_reads_back_through_any_coordinator()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync();
        for (int i = 0; i < WriteLevels.Length; i++)
        {
            var coordinator = cluster[i % 3];
            await coordinator.Writes.WriteAsync("ks", SampleData.Upsert(table, 100 + i, 1, $"v{i}"), WriteLevels[i], CancellationToken.None);
        }
        // ANY and ONE may still be in flight to the other replicas; ALL reads wait for every replica.
        await Task.Delay(300);
        foreach (var level in WriteLevels.Where(l => l != ConsistencyLevel.Any))
        {
            for (int i = 0; i < WriteLevels.Length; i++)
            {
                var result = await cluster[(i + 1) % 3].Reads.ReadAsync("ks", SampleData.Partition(table, 100 + i), level, CancellationToken.None);
                Assert.Equal($"v{i}", SampleData.Value(Assert.Single(result.Rows)));
            }
        }
        // With RF 3 on 3 nodes every node holds every row: check the replicas directly, not through a coordinator.
        for (int n = 0; n < 3; n++)
        {
            for (int i = 0; i < WriteLevels.Length; i++)
                Assert.Equal($"v{i}", SampleData.Value(Assert.Single(cluster[n].Engine.Read(SampleData.Partition(table, 100 + i)).Rows)));
        }
    }

    [Fact]
    public async Task Too_few_live_replicas_is_Unavailable_and_writes_nothing_while_a_slow_replica_is_a_WriteTimeout()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync();
        await cluster.StopNodeAsync(1);
        await cluster.StopNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster.AllSeeDown(1) && cluster.AllSeeDown(2), TimeSpan.FromSeconds(10), "node 0 sees 1 and 2 down");

        var unavailable = await Assert.ThrowsAsync<UnavailableException>(() =>
            cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, 1, 1, "x"), ConsistencyLevel.Quorum, CancellationToken.None));
        Assert.Equal(2, unavailable.Required);
        Assert.Equal(1, unavailable.Alive);
        Assert.Empty(cluster[0].Engine.Read(SampleData.Partition(table, 1)).Rows); // nothing written, not even locally
        await Assert.ThrowsAsync<UnavailableException>(() =>
            cluster[0].Reads.ReadAsync("ks", SampleData.Partition(table, 1), ConsistencyLevel.Quorum, CancellationToken.None));

        // ANY succeeds with hints alone... and ONE with the local replica.
        await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, 2, 1, "any"), ConsistencyLevel.One, CancellationToken.None);

        await cluster.StartNodeAsync(1);
        await cluster.StartNodeAsync(2);
        await cluster.WaitUntilAsync(cluster.AllSeeAllUp, TimeSpan.FromSeconds(20), "all up again");

        // Replicas that are alive but never answer: the coordinator times out and says how many acknowledged.
        foreach (int slow in new[] { 1, 2 })
            cluster[slow].Messaging.RegisterHandler(Verb.Mutation, new DelayingHandler(TimeSpan.FromSeconds(5)));
        var timeout = await Assert.ThrowsAsync<WriteTimeoutException>(() =>
            cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, 3, 1, "slow"), ConsistencyLevel.All, CancellationToken.None));
        Assert.Equal(1, timeout.Received);
        Assert.Equal(3, timeout.BlockFor);
        Assert.Contains("1 of 3", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANY_succeeds_with_only_a_hint_when_no_replica_is_alive_and_the_hint_reaches_the_replica_later()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync(replicationFactor: 1, keyspace: "solo");
        // Find a key whose only replica is node 2, then stop node 2.
        long pk = Enumerable.Range(0, 1000).Select(i => (long)i).First(k =>
            cluster[0].Lookup.For("solo", SampleData.Key(table, k)).Natural.Single().Endpoint == cluster.Endpoint(2));
        await cluster.StopNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster.AllSeeDown(2), TimeSpan.FromSeconds(10), "node 2 seen down");

        await Assert.ThrowsAsync<UnavailableException>(() =>
            cluster[0].Writes.WriteAsync("solo", SampleData.Upsert(table, pk, 1, "one"), ConsistencyLevel.One, CancellationToken.None));
        await cluster[0].Writes.WriteAsync("solo", SampleData.Upsert(table, pk, 1, "any"), ConsistencyLevel.Any, CancellationToken.None);
        Assert.Equal(1, cluster[0].Hints.StoredCount);

        await cluster.StartNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster[0].Hints.Targets.Count == 0, TimeSpan.FromSeconds(30), "the hint delivered");
        Assert.Equal("any", SampleData.Value(Assert.Single(cluster[2].Engine.Read(SampleData.Partition(table, pk)).Rows)));
    }

    [Fact]
    public async Task Writes_for_a_stopped_node_are_hinted_and_delivered_when_it_returns()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync();
        await cluster.StopNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster.AllSeeDown(2), TimeSpan.FromSeconds(10), "node 2 seen down");

        for (int i = 0; i < 50; i++)
            await cluster[i % 2].Writes.WriteAsync("ks", SampleData.Upsert(table, 1000 + i, i, $"h{i}"), ConsistencyLevel.Quorum, CancellationToken.None);
        Assert.True(cluster[0].Hints.StoredCount + cluster[1].Hints.StoredCount >= 50);

        await cluster.StartNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster[0].Hints.Targets.Count == 0 && cluster[1].Hints.Targets.Count == 0,
            TimeSpan.FromSeconds(30), "every hint delivered");
        for (int i = 0; i < 50; i++)
        {
            var rows = cluster[2].Engine.Read(SampleData.Partition(table, 1000 + i)).Rows;
            Assert.Equal($"h{i}", SampleData.Value(Assert.Single(rows)));
        }
        Assert.Equal(50, cluster[0].Hints.DeliveredCount + cluster[1].Hints.DeliveredCount);
    }

    [Fact]
    public async Task A_replica_that_lost_its_data_is_repaired_by_a_read_and_the_read_waits_for_it()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync();
        for (int ck = 0; ck < 10; ck++)
            await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, 7, ck, $"r{ck}"), ConsistencyLevel.All, CancellationToken.None);

        // Behind the cluster's back: node 2 loses the table's data (files deleted while it is down).
        await cluster.StopNodeAsync(2);
        Directory.Delete(Path.Combine(cluster.Options[2].DataDirectory, "data"), recursive: true);
        await cluster.StartNodeAsync(2);
        await cluster.WaitUntilAsync(cluster.AllSeeAllUp, TimeSpan.FromSeconds(20), "node 2 back");
        Assert.Empty(cluster[2].Engine.Read(SampleData.Partition(table, 7)).Rows);

        var result = await cluster[0].Reads.ReadAsync("ks", SampleData.Partition(table, 7), ConsistencyLevel.All, CancellationToken.None);
        Assert.Equal(10, result.Rows.Count);
        Assert.True(cluster[0].Metrics.ReadRepairs >= 1);
        // Blocking read repair: by the time the read answered, the stale replica has the rows.
        Assert.Equal(Enumerable.Range(0, 10).Select(ck => $"r{ck}"),
            cluster[2].Engine.Read(SampleData.Partition(table, 7)).Rows.Select(SampleData.Value));
    }

    [Fact]
    public async Task A_range_scan_repairs_a_replica_that_lost_its_data_before_it_yields_the_partitions()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync();
        const int Partitions = 30;
        for (int pk = 0; pk < Partitions; pk++)
            await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, pk, 1, $"p{pk}"), ConsistencyLevel.All, CancellationToken.None);

        await cluster.StopNodeAsync(2);
        Directory.Delete(Path.Combine(cluster.Options[2].DataDirectory, "data"), recursive: true);
        await cluster.StartNodeAsync(2);
        await cluster.WaitUntilAsync(cluster.AllSeeAllUp, TimeSpan.FromSeconds(20), "node 2 back");
        Assert.Empty(cluster[2].Engine.Read(SampleData.Partition(table, 0)).Rows);

        var scanned = new List<string?>();
        await foreach (var partition in cluster[0].RangeReads.ReadAsync("ks", table.FullName, Token.Minimum, new Token(long.MaxValue),
                           ConsistencyLevel.All, CancellationToken.None))
            scanned.AddRange(partition.Rows.Select(SampleData.Value));

        Assert.Equal(Enumerable.Range(0, Partitions).Select(pk => $"p{pk}").Order(), scanned.Order());
        Assert.True(cluster[0].Metrics.ReadRepairs >= Partitions, $"{cluster[0].Metrics.ReadRepairs} read repairs");
        // Blocking: by the time the scan yielded a partition, the stale replica had it.
        for (int pk = 0; pk < Partitions; pk++)
            Assert.Equal($"p{pk}", Assert.Single(cluster[2].Engine.Read(SampleData.Partition(table, pk)).Rows.Select(SampleData.Value)));
    }

    [Fact]
    public async Task A_range_scan_of_agreeing_replicas_repairs_nothing()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync();
        for (int pk = 0; pk < 10; pk++)
            await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, pk, 1, $"p{pk}"), ConsistencyLevel.All, CancellationToken.None);

        int count = 0;
        await foreach (var _ in cluster[1].RangeReads.ReadAsync("ks", table.FullName, Token.Minimum, new Token(long.MaxValue),
                           ConsistencyLevel.All, CancellationToken.None))
            count++;
        Assert.Equal(10, count);
        Assert.Equal(0, cluster[1].Metrics.ReadRepairs);
    }

    [Fact]
    public async Task A_slow_replica_triggers_one_speculative_request_and_the_read_does_not_wait_for_it()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync();
        await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, 5, 1, "spec"), ConsistencyLevel.All, CancellationToken.None);
        // Coordinate from node 0 but keep it out of the replica choice by reading at ONE through the fastest
        // replica; first teach the table's p99 with normal reads.
        for (int i = 0; i < 40; i++)
            await cluster[0].Reads.ReadAsync("ks", SampleData.Partition(table, 5), ConsistencyLevel.One, CancellationToken.None);

        // Now every replica but node 0 is slow, and node 0 looks like the slowest so it is never the data replica.
        cluster[1].Messaging.RegisterHandler(Verb.Read, new DelayingHandler(TimeSpan.FromSeconds(1.5), new Verbs.ReadVerbHandler(cluster[1].Local)));
        lock (cluster[0].Latency)
        {
            cluster[0].Latency.RecordReplicaLatency(cluster.Endpoint(0), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
            cluster[0].Latency.RecordReplicaLatency(cluster.Endpoint(1), TimeSpan.Zero, TimeSpan.FromDays(1));
            cluster[0].Latency.RecordReplicaLatency(cluster.Endpoint(2), TimeSpan.FromMilliseconds(500), TimeSpan.FromDays(1));
        }
        long before = cluster[0].Metrics.SpeculativeRetries;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = await cluster[0].Reads.ReadAsync("ks", SampleData.Partition(table, 5), ConsistencyLevel.One, CancellationToken.None);
        Assert.Equal("spec", SampleData.Value(Assert.Single(result.Rows)));
        Assert.Equal(before + 1, cluster[0].Metrics.SpeculativeRetries);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1.5), $"the read waited for the slow replica ({started.Elapsed})");
    }

    [Fact]
    public async Task A_node_that_was_down_during_a_schema_change_catches_up_when_it_returns()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.CreateSampleTableAsync();
        await cluster.StopNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster.AllSeeDown(2), TimeSpan.FromSeconds(10), "node 2 seen down");
        var created = await cluster.CreateSampleTableAsync(table: "later");
        cluster[0].Schema.DropTable("ks", "t", ifExists: false);
        await cluster[0].AnnounceSchemaAsync(CancellationToken.None);

        await cluster.StartNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster[2].Schema.Current.Version == cluster[0].Schema.Current.Version,
            TimeSpan.FromSeconds(20), "node 2 has the same schema version as node 0");
        Assert.True(cluster[2].Schema.Current.TryGetTable("ks", "later", out _));
        Assert.False(cluster[2].Schema.Current.TryGetTable("ks", "t", out _));
        Assert.Contains(cluster[2].Engine.Tables, t => t.FullName == created.FullName);
        // And it serves the new table as a replica.
        await cluster[2].Writes.WriteAsync("ks", SampleData.Upsert(created, 1, 1, "new"), ConsistencyLevel.All, CancellationToken.None);
    }

    /// <summary>Answers after a delay (or never, within a test's patience): a replica that is up but slow.</summary>
    private sealed class DelayingHandler(TimeSpan delay, IVerbHandler? inner = null) : IVerbHandler
    {
        public async ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return inner is null ? null : await inner.HandleAsync(sender, payload, cancellationToken);
        }
    }
}

using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;

namespace RingStore.Node.Tests.Cluster;

/// <summary>
/// Replicas that answer reads with an error (here: their engine lost the table, a stand-in for a corrupt SSTable or a
/// failed disk) make a read that cannot reach its level a ReadFailure with the true counts and each replica's reason,
/// never a ReadTimeout; a read that enough healthy replicas can answer succeeds. Partition and range reads alike.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReadFailureClusterTests
{
    private const int Partitions = 6;

    [Fact]
    public async Task One_failing_replica_fails_only_ALL_and_the_failure_names_it_with_two_answers()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await WriteEverywhereAsync(cluster);
        cluster[2].Engine.DropTable(table.FullName);

        // Through a healthy coordinator (remote failure) and through the failing one (its own local read fails).
        foreach (int coordinator in new[] { 0, 2 })
        {
            foreach (var level in new[] { ConsistencyLevel.One, ConsistencyLevel.Quorum })
            {
                for (int pk = 0; pk < Partitions; pk++)
                {
                    var result = await cluster[coordinator].Reads.ReadAsync("ks", SampleData.Partition(table, pk), level, CancellationToken.None);
                    Assert.Equal($"p{pk}", SampleData.Value(Assert.Single(result.Rows)));
                }
                Assert.Equal(Partitions, await ScanAsync(cluster, coordinator, table, level));
            }

            var failure = await Assert.ThrowsAsync<ReadFailureException>(() =>
                cluster[coordinator].Reads.ReadAsync("ks", SampleData.Partition(table, 1), ConsistencyLevel.All, CancellationToken.None));
            // Whether the data came depends on which replica was asked for it (ALL has no spare to replace a failed data replica).
            AssertFailure(failure, ConsistencyLevel.All, received: 2, blockFor: 3, dataPresent: failure.DataPresent, cluster.Endpoint(2));

            var scanFailure = await Assert.ThrowsAsync<ReadFailureException>(() => ScanAsync(cluster, coordinator, table, ConsistencyLevel.All));
            AssertFailure(scanFailure, ConsistencyLevel.All, received: 2, blockFor: 3, dataPresent: true, cluster.Endpoint(2));
        }
    }

    [Fact]
    public async Task Two_failing_replicas_fail_QUORUM_and_ALL_with_one_answer_and_ONE_still_succeeds()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await WriteEverywhereAsync(cluster);
        cluster[1].Engine.DropTable(table.FullName);
        cluster[2].Engine.DropTable(table.FullName);

        foreach (int coordinator in new[] { 0, 1 })
        {
            // ONE: a failing data replica is replaced by the next candidate, so the healthy one answers.
            for (int pk = 0; pk < Partitions; pk++)
            {
                var result = await cluster[coordinator].Reads.ReadAsync("ks", SampleData.Partition(table, pk), ConsistencyLevel.One, CancellationToken.None);
                Assert.Equal($"p{pk}", SampleData.Value(Assert.Single(result.Rows)));
            }
            Assert.Equal(Partitions, await ScanAsync(cluster, coordinator, table, ConsistencyLevel.One));

            foreach (var (level, blockFor) in new[] { (ConsistencyLevel.Quorum, 2), (ConsistencyLevel.All, 3) })
            {
                var failure = await Assert.ThrowsAsync<ReadFailureException>(() =>
                    cluster[coordinator].Reads.ReadAsync("ks", SampleData.Partition(table, 3), level, CancellationToken.None));
                // The healthy replica answered (data or digest); both failing replicas are named with their own reason.
                AssertFailure(failure, level, received: 1, blockFor, dataPresent: failure.DataPresent, cluster.Endpoint(1), cluster.Endpoint(2));

                var scanFailure = await Assert.ThrowsAsync<ReadFailureException>(() => ScanAsync(cluster, coordinator, table, level));
                AssertFailure(scanFailure, level, received: 1, blockFor, dataPresent: true, cluster.Endpoint(1), cluster.Endpoint(2));
            }
        }
    }

    private static void AssertFailure(ReadFailureException failure, ConsistencyLevel level, int received, int blockFor, bool dataPresent, params string[] failed)
    {
        Assert.Equal(level, failure.Consistency);
        Assert.Equal(received, failure.Received);
        Assert.Equal(blockFor, failure.BlockFor);
        Assert.Equal(dataPresent, failure.DataPresent);
        Assert.Equal(failed.Order(), failure.Failures.Keys.Order());
        // The replica's own reason travels to the coordinator (a remote handler's text or the local engine's exception).
        Assert.All(failure.Failures.Values, reason => Assert.Contains(nameof(UnknownTableException), reason, StringComparison.Ordinal));
    }

    private static async Task<Core.Schema.TableSchema> WriteEverywhereAsync(InProcessCluster cluster)
    {
        var table = await cluster.CreateSampleTableAsync();
        for (int pk = 0; pk < Partitions; pk++)
            await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, pk, 1, $"p{pk}"), ConsistencyLevel.All, CancellationToken.None);
        return table;
    }

    private static async Task<int> ScanAsync(InProcessCluster cluster, int coordinator, Core.Schema.TableSchema table, ConsistencyLevel level)
    {
        int count = 0;
        await foreach (var _ in cluster[coordinator].RangeReads.ReadAsync("ks", table.FullName, Token.Minimum, new Token(long.MaxValue), level, CancellationToken.None))
            count++;
        return count;
    }
}

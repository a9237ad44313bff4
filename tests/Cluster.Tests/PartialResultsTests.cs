using System.Diagnostics;
using Grpc.Core;
using RingStore.Client.Protos;
using RingStore.LocalCluster;

namespace RingStore.Cluster.Tests;

/// <summary>
/// Scatter-gather's completeness signal on real processes: with RF 1 and one node frozen (SIGSTOP: its sockets stay
/// open, it just never answers), a scan or aggregate that allows partial results answers within its budget with the
/// rows of the ranges it could read, the missing token ranges and a coverage below 1; without the opt-in the same
/// query fails. The frozen node is resumed in every outcome.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class PartialResultsTests
{
    private const string Keyspace = "partial";
    private const int Rows = 300;

    [Fact]
    public async Task A_scan_with_one_node_paused_returns_partial_results_in_its_budget_or_an_error_without_the_opt_in()
    {
        // A 2 s budget per range and per partial scan; a high conviction threshold keeps the frozen node "up", so the
        // ranges it holds are asked and time out (the slow-replica case, not the fast Unavailable one).
        await using var cluster = await ProcessCluster.StartAsync(3, new Dictionary<string, string>
        {
            ["RangeBudget"] = "00:00:02",
            ["ReadTimeout"] = "00:00:02",
            ["PhiConvictThreshold"] = "100",
        });
        await cluster.CreateKeyspaceAsync(Keyspace, 1);
        var client = cluster.Client(0);
        await client.ExecuteAsync(new ExecuteRequest { Statement = $"CREATE TABLE {Keyspace}.t (k int PRIMARY KEY, v int)", Consistency = Consistency.One }, ProcessCluster.Call());
        await ProcessCluster.WaitUntilAsync(async () =>
        {
            for (int i = 0; i < cluster.Count; i++)
                if (!(await cluster.Client(i).DescribeSchemaAsync(new DescribeSchemaRequest(), ProcessCluster.Call())).Tables.Any(t => t.Name == "t")) return false;
            return true;
        }, "every node has the table");
        for (int k = 0; k < Rows; k++)
            await client.ExecuteAsync(new ExecuteRequest { Statement = $"INSERT INTO {Keyspace}.t (k, v) VALUES ({k}, {k})", Consistency = Consistency.One }, ProcessCluster.Call());

        var full = await client.ExecuteAsync(new ExecuteRequest { Statement = $"SELECT COUNT(*), SUM(v) FROM {Keyspace}.t ALLOW PARTIAL RESULTS", Consistency = Consistency.One },
            ProcessCluster.Call());
        Assert.Equal(Rows, full.Rows[0].Values[0].Bigint);
        Assert.Equal(Rows * (Rows - 1) / 2, full.Rows[0].Values[1].Int);
        Assert.Equal(1.0, full.Coverage);

        int pid = cluster.Node(2).Pid ?? throw new InvalidOperationException("node 2 is not running");
        Signals.Stop(pid);
        try
        {
            // Aggregate, opted in by the statement.
            var watch = Stopwatch.StartNew();
            var partial = await client.ExecuteAsync(new ExecuteRequest { Statement = $"SELECT COUNT(*) FROM {Keyspace}.t ALLOW PARTIAL RESULTS", Consistency = Consistency.One },
                ProcessCluster.Call(30));
            var elapsed = watch.Elapsed;
            Assert.True(elapsed < TimeSpan.FromSeconds(8), $"the partial aggregate took {elapsed}");
            Assert.True(partial.Coverage is > 0 and < 1, $"coverage {partial.Coverage}");
            Assert.NotEmpty(partial.MissingRanges);
            long counted = partial.Rows[0].Values[0].Bigint;
            Assert.InRange(counted, 1, Rows - 1);
            Assert.Contains(partial.Warnings, w => w.StartsWith("Partial results:", StringComparison.Ordinal));

            // Rows, opted in by the request option: every row returned lies outside the missing ranges.
            watch.Restart();
            var rows = await client.ExecuteAsync(new ExecuteRequest
            {
                Statement = $"SELECT k, token(k) FROM {Keyspace}.t", Consistency = Consistency.One, PageSize = 1000, AllowPartialResults = true,
            }, ProcessCluster.Call(30));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"the partial scan took {watch.Elapsed}");
            Assert.True(rows.Coverage is > 0 and < 1);
            Assert.Equal(counted, rows.Rows.Count);
            foreach (var row in rows.Rows)
            {
                long token = row.Values[1].Bigint;
                Assert.DoesNotContain(rows.MissingRanges, m => token > m.StartExclusive && token <= m.EndInclusive);
            }

            // Without the opt-in: all or an error.
            var error = await Assert.ThrowsAsync<RpcException>(() => client.ExecuteAsync(
                new ExecuteRequest { Statement = $"SELECT COUNT(*) FROM {Keyspace}.t", Consistency = Consistency.One }, ProcessCluster.Call(30)).ResponseAsync);
            Assert.Contains(RpcErrors.Kind(error), new[] { "ReadTimeout", "ReadFailure", "Unavailable" });
        }
        finally
        {
            Signals.Continue(pid);
        }
    }
}

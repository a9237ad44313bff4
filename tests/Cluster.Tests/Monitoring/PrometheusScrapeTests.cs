using RingStore.Client.Protos;

namespace RingStore.Cluster.Tests.Monitoring;

/// <summary>
/// A real Prometheus server scrapes a real three-node cluster every second: after a QUORUM workload the write rate and
/// its p99 are there per consistency level, and a SIGKILLed node shows in the live/down gauges of the survivors.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class PrometheusScrapeTests
{
    private const string Keyspace = "monitored";

    [Fact]
    public async Task Prometheus_sees_the_write_rate_per_consistency_level_and_a_killed_node_in_the_live_nodes_gauge()
    {
        // A lower conviction threshold only shortens the wait for the failure detector.
        await using var cluster = await ProcessCluster.StartAsync(3, new Dictionary<string, string> { ["PhiConvictThreshold"] = "5" }, metrics: true);
        var targets = Enumerable.Range(0, cluster.Count).Select(i => $"127.0.0.1:{cluster.Node(i).Options.MetricsPort}").ToArray();
        using var prometheus = PrometheusServer.Start(targets);

        await prometheus.WaitForAsync("up == 1", r => r.Count == 3, "Prometheus scrapes all three nodes");
        await prometheus.WaitForAsync("ringstore_gossip_live_nodes == 3", r => r.Count == 3, "every node reports three live nodes");
        var phi = await prometheus.WaitForAsync($"ringstore_gossip_phi{{instance='{targets[0]}'}}", r => r.Count == 2, "node 0 reports phi of its two peers");
        Assert.All(phi, s => Assert.True(s.Value >= 0 && s.Value < 5, $"phi {s.Value} of a live peer"));

        await cluster.CreateKeyspaceAsync(Keyspace, 3);
        await cluster.CreateTableAsync(KvTable.Create(Keyspace));
        // Long enough that Prometheus scrapes the counter several times while it grows.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(4);
        long key = 0;
        while (DateTime.UtcNow < until || key < 100)
        {
            key++;
            var client = cluster.Client((int)(key % 3));
            await client.MutateAsync(KvTable.Write(Keyspace, key, $"v{key}", key, Consistency.Quorum), ProcessCluster.Call());
            Assert.Equal($"v{key}", KvTable.Value(await client.ReadAsync(KvTable.Read(Keyspace, key, Consistency.Quorum), ProcessCluster.Call())));
            // A ONE read too (its answer may predate the write on the third replica): its own series.
            await client.ReadAsync(KvTable.Read(Keyspace, key, Consistency.One), ProcessCluster.Call());
        }

        await prometheus.WaitForAsync(
            "sum(rate(ringstore_coordinator_requests_total{operation='write',consistency='quorum'}[1m])) > 0", r => r.Count == 1,
            "the cluster's QUORUM write rate is above zero");
        await prometheus.WaitForAsync(
            "sum(rate(ringstore_coordinator_requests_total{operation='read',consistency='one'}[1m])) > 0", r => r.Count == 1,
            "the cluster's ONE read rate is above zero");
        var p99 = await prometheus.WaitForAsync(
            "histogram_quantile(0.99, sum by (le) (rate(ringstore_coordinator_request_duration_seconds_bucket{operation='write',consistency='quorum'}[1m])))",
            r => r.Count == 1 && double.IsFinite(r[0].Value) && r[0].Value > 0, "the QUORUM write p99 is known");
        Assert.True(p99[0].Value < 10, $"p99 {p99[0].Value} s lies within the buckets");
        // Every replica applied the writes (RF 3): the per-table replica counter of each node grew.
        await prometheus.WaitForAsync($"ringstore_storage_local_writes_total{{keyspace='{Keyspace}',table='{KvTable.Name}'}} >= {key}", r => r.Count == 3,
            "each node applied every write as a replica");

        // Every query of the Grafana dashboard in the repository is valid PromQL against these series.
        foreach (string expr in DashboardQueries())
            await prometheus.QueryAsync(expr.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$job", ".*", StringComparison.Ordinal));

        cluster.Kill(2);
        foreach (var observer in targets.Take(2))
        {
            await prometheus.WaitForAsync($"ringstore_gossip_live_nodes{{instance='{observer}'}} == 2", r => r.Count == 1, $"{observer} reports two live nodes");
            await prometheus.WaitForAsync($"ringstore_gossip_down_nodes{{instance='{observer}'}} == 1", r => r.Count == 1, $"{observer} reports one down node");
        }
        await prometheus.WaitForAsync($"up{{instance='{targets[2]}'}} == 0", r => r.Count == 1, "Prometheus finds the killed node's endpoint gone");
    }

    /// <summary>The PromQL of every panel of docs/grafana/ringstore.json.</summary>
    private static IEnumerable<string> DashboardQueries()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RingStore.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.FullName, "docs", "grafana", "ringstore.json")));
        var queries = json.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        Assert.NotEmpty(queries);
        return queries;
    }
}

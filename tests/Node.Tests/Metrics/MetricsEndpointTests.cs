using RingStore.Client.Protos;
using RingStore.Node.Api;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Metrics;

/// <summary>
/// A node host with a metrics port serves GET /metrics in the Prometheus text format: the names follow Prometheus's
/// conventions (counters end in _total, durations in _seconds, sizes in _bytes), the families have the right types, and
/// the labels carry operation, consistency level, keyspace and table. In the serial cluster collection: the exporter
/// listens to every "RingStore.Node" meter in the process, so no other test's node may run meanwhile.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MetricsEndpointTests
{
    private const int Writes = 20;

    [Fact]
    public async Task The_metrics_port_serves_Prometheus_text_with_conventional_names_types_and_labels()
    {
        int port = FreePorts.Next();
        await using var cluster = await InProcessCluster.StartAsync(1, (_, o) => o.MetricsPort = port, withGrpc: true);
        var node = cluster[0];
        await Run(node, "CREATE KEYSPACE mk WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}", Consistency.One, keyspace: "");
        await Run(node, "CREATE TABLE mk.events (id bigint PRIMARY KEY, body text)", Consistency.One);
        for (int i = 0; i < Writes; i++)
        {
            await Run(node, $"INSERT INTO mk.events (id, body) VALUES ({i}, 'event {i}')", i % 2 == 0 ? Consistency.One : Consistency.Quorum);
            await Run(node, $"SELECT body FROM mk.events WHERE id = {i}", Consistency.LocalOne);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync($"http://127.0.0.1:{port}/metrics");
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics: {(int)response.StatusCode}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var text = PrometheusText.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("counter", text.Types["ringstore_coordinator_requests_total"]);
        Assert.Equal(Writes / 2, Value(text, "ringstore_coordinator_requests_total", ("operation", "write"), ("consistency", "one")));
        Assert.Equal(Writes / 2, Value(text, "ringstore_coordinator_requests_total", ("operation", "write"), ("consistency", "quorum")));
        Assert.Equal(Writes, Value(text, "ringstore_coordinator_requests_total", ("operation", "read"), ("consistency", "local_one")));

        Assert.Equal("histogram", text.Types["ringstore_coordinator_request_duration_seconds"]);
        Assert.Equal(Writes / 2, Value(text, "ringstore_coordinator_request_duration_seconds_count", ("operation", "write"), ("consistency", "quorum")));
        var buckets = text.Named("ringstore_coordinator_request_duration_seconds_bucket")
            .Where(s => s.Labels.GetValueOrDefault("operation") == "write" && s.Labels.GetValueOrDefault("consistency") == "quorum").ToList();
        Assert.Contains(buckets, b => b.Labels["le"] == "0.001");
        Assert.Contains(buckets, b => b.Labels["le"] == "10");
        Assert.Equal(Writes / 2, buckets.Single(b => b.Labels["le"] == "+Inf").Value);
        Assert.Equal("histogram", text.Types["ringstore_replica_request_duration_seconds"]);
        Assert.Equal(Writes, Value(text, "ringstore_replica_request_duration_seconds_count", ("operation", "write")));

        Assert.Equal("gauge", text.Types["ringstore_storage_memtable_size_bytes"]);
        Assert.True(Value(text, "ringstore_storage_memtable_size_bytes", ("keyspace", "mk"), ("table", "events")) > 0);
        Assert.Equal("gauge", text.Types["ringstore_storage_sstables"]);
        Assert.Equal("gauge", text.Types["ringstore_storage_disk_used_bytes"]);
        Assert.Equal("gauge", text.Types["ringstore_storage_compactions_pending"]);
        Assert.Equal("counter", text.Types["ringstore_storage_flushes_total"]);
        Assert.Equal(Writes, Value(text, "ringstore_storage_local_writes_total", ("keyspace", "mk"), ("table", "events")));
        Assert.True(Value(text, "ringstore_commitlog_pending_bytes") > 0);
        Assert.Equal(1, Value(text, "ringstore_gossip_live_nodes"));
        Assert.Equal(0, Value(text, "ringstore_gossip_down_nodes"));
        Assert.Equal("counter", text.Types["ringstore_hints_replayed_total"]);
        Assert.Equal("counter", text.Types["ringstore_streaming_bytes_total"]);
        Assert.Equal("counter", text.Types["dotnet_gc_pause_time_seconds_total"]);

        // Conventions over the whole exposition: counters end in _total, no millisecond units, no per-key labels.
        Assert.All(text.Types.Where(t => t.Value == "counter"), t => Assert.EndsWith("_total", t.Key, StringComparison.Ordinal));
        Assert.DoesNotContain(text.Samples, s => s.Name.Contains("millisecond", StringComparison.Ordinal));
        Assert.All(text.Samples.Where(s => s.Name.StartsWith("ringstore_", StringComparison.Ordinal)), s =>
            Assert.Empty(s.Labels.Keys.Except(["otel_scope_name", "operation", "consistency", "keyspace", "table", "target", "peer", "direction", "le"])));

        // The gRPC port does not answer it.
        using var grpcPort = await http.GetAsync($"http://{cluster.GrpcAddress(0)}/metrics").ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null);
        Assert.True(grpcPort is null || !grpcPort.IsSuccessStatusCode, "the gRPC port served /metrics");
    }

    private static double Value(PrometheusText text, string name, params (string Key, string Value)[] labels) =>
        text.Named(name).Single(s => labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).Value;

    private static Task<ExecuteResponse> Run(RingStore.Node.Hosting.RingStoreNode node, string cql, Consistency consistency, string keyspace = "mk") =>
        node.Cql.ExecuteAsync(new ExecuteRequest { Statement = cql, Keyspace = keyspace, Consistency = consistency }, CancellationToken.None);
}

using System.Text.RegularExpressions;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;

namespace RingStore.Cli.Tests;

/// <summary>`ringstore flush`, `compact`, `tablestats` and `describecluster` against the shared 3-node cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed partial class MaintenanceEndToEndTests(ClusterFixture fixture)
{
    [GeneratedRegex(@"\t\tTombstones scanned: [1-9][0-9]* \(")]
    private static partial Regex TombstonesCounted();

    private LocalClusterHandle Cluster => fixture.Cluster;

    [Fact]
    public async Task Flush_makes_sstables_compact_merges_them_and_tablestats_reports_them()
    {
        var create = await Cluster.ShellAsync("-e", """
            CREATE KEYSPACE IF NOT EXISTS cli_maint WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3};
            CREATE TABLE IF NOT EXISTS cli_maint.kv (k int PRIMARY KEY, v text);
            CONSISTENCY ALL
            INSERT INTO cli_maint.kv (k, v) VALUES (1, 'a');
            INSERT INTO cli_maint.kv (k, v) VALUES (2, 'b');
            """);
        Assert.True(create.ExitCode == 0, create.ToString());
        var flush1 = await Cluster.RunAsync("flush", "cli_maint", "kv");
        Assert.True(flush1.ExitCode == 0, flush1.ToString());
        Assert.Contains("Flush of cli_maint.kv on 3 node(s):", flush1.Stdout, StringComparison.Ordinal);

        var more = await Cluster.ShellAsync("-e", "CONSISTENCY ALL; INSERT INTO cli_maint.kv (k, v) VALUES (3, 'c'); SELECT * FROM cli_maint.kv WHERE k = 1;");
        Assert.True(more.ExitCode == 0, more.ToString());
        var flush2 = await Cluster.RunAsync("flush", "cli_maint.kv", "--node", "0");
        Assert.True(flush2.ExitCode == 0, flush2.ToString());
        Assert.Contains("cli_maint.kv: 2 SSTables", flush2.Stdout, StringComparison.Ordinal);

        var before = await Cluster.RunAsync("tablestats", "--node", "0", "cli_maint");
        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Contains("Total number of tables: 1\n", before.Stdout, StringComparison.Ordinal);
        Assert.Contains("Keyspace : cli_maint\n", before.Stdout, StringComparison.Ordinal);
        Assert.Contains("\t\tTable: kv\n", before.Stdout, StringComparison.Ordinal);
        Assert.Contains("\t\tSSTable count: 2\n", before.Stdout, StringComparison.Ordinal);
        Assert.Contains("\t\tNumber of partitions (estimate): 3\n", before.Stdout, StringComparison.Ordinal);
        Assert.Matches(LocalWriteCount(), before.Stdout);
        Assert.Contains("\t\tTombstones scanned: ", before.Stdout, StringComparison.Ordinal);

        // A deleted row read back is a tombstone scanned on every replica the read touched (ALL: all three).
        var deleted = await Cluster.ShellAsync("-e", "CONSISTENCY ALL; DELETE FROM cli_maint.kv WHERE k = 2; SELECT * FROM cli_maint.kv WHERE k = 2;");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        var tombstones = await Cluster.RunAsync("tablestats", "--node", "0", "cli_maint.kv");
        Assert.Matches(TombstonesCounted(), tombstones.Stdout);

        var compact = await Cluster.RunAsync("compact", "cli_maint", "kv", "--node", "0");
        Assert.True(compact.ExitCode == 0, compact.ToString());
        Assert.Contains("cli_maint.kv: 1 SSTable,", compact.Stdout, StringComparison.Ordinal);
        var after = await Cluster.RunAsync("tablestats", "--node", "0", "cli_maint.kv");
        Assert.Contains("\t\tSSTable count: 1\n", after.Stdout, StringComparison.Ordinal);

        var verify = await Cluster.RunAsync("verify", "cli_maint.kv", "--node", "0");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("1 SSTables checked, all sound", verify.Stdout, StringComparison.Ordinal);

        var scrub = await Cluster.RunAsync("scrub", "cli_maint.kv", "--node", "0");
        Assert.True(scrub.ExitCode == 0, scrub.ToString());
        Assert.Contains("1 SSTables checked, 0 scrubbed", scrub.Stdout, StringComparison.Ordinal);
        var scrubAll = await Cluster.RunAsync("scrub", "cli_maint", "kv", "--all", "--node", "0");
        Assert.True(scrubAll.ExitCode == 0, scrubAll.ToString());
        Assert.Contains("1 SSTables checked, 1 scrubbed, nothing dropped", scrubAll.Stdout, StringComparison.Ordinal);
        Assert.Contains("dropped 0 partitions, 0 rows", scrubAll.Stdout, StringComparison.Ordinal);

        var unknown = await Cluster.RunAsync("flush", "cli_maint", "nope");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("Unknown table 'cli_maint.nope'", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describecluster_prints_the_name_partitioner_and_one_schema_version_for_the_three_nodes()
    {
        var result = await Cluster.RunAsync("describecluster");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Cluster Information:\n\tName: ringstore\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\tPartitioner: org.apache.cassandra.dht.Murmur3Partitioner\n", result.Stdout, StringComparison.Ordinal);
        var versions = result.Stdout.Split('\n').Where(l => l.StartsWith("\t\t", StringComparison.Ordinal)).ToList();
        var only = Assert.Single(versions);
        Assert.Equal(3, only.Split(',').Length);
    }

    [Fact]
    public void Describecluster_lists_down_nodes_as_unreachable_and_reports_disagreement()
    {
        var status = new StatusResponse();
        foreach (var (endpoint, up, version) in new[] { ("n1", true, "v1"), ("n2", true, "v2"), ("n3", false, "v1") })
            status.Nodes.Add(new NodeStatus { Node = new NodeDescription { Endpoint = endpoint, Liveness = up ? "UP" : "DOWN", Status = "NORMAL" }, SchemaVersion = version });
        string text = TableStatsFormatter.DescribeCluster(new DescribeRingResponse { ClusterName = "c", Partitioner = "p" }, status);
        Assert.Contains("\t\tv1: [n1]\n\t\tv2: [n2]\n\t\tUNREACHABLE: [n3]\n", text, StringComparison.Ordinal);
        Assert.Contains("schema disagreement: 2 versions", text, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\t\tLocal write count: [1-9]\d*\n\t\tLocal write latency: p50 [0-9.]+ ms")]
    private static partial Regex LocalWriteCount();
}

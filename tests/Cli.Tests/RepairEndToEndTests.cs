namespace RingStore.Cli.Tests;

/// <summary>`ringstore repair` and `repair --history` against the shared 3-node cluster (real node processes).</summary>
[Collection(ClusterCollection.Name)]
public sealed class RepairEndToEndTests(ClusterFixture fixture)
{
    private LocalClusterHandle Cluster => fixture.Cluster;

    [Fact]
    public async Task Repair_prints_progress_and_a_summary_then_history_lists_the_ranges_and_a_bad_range_is_a_usage_error()
    {
        var create = await Cluster.ShellAsync("-e", """
            CREATE KEYSPACE IF NOT EXISTS cli_repair WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3};
            CREATE TABLE IF NOT EXISTS cli_repair.kv (k int PRIMARY KEY, v text);
            CONSISTENCY ALL
            INSERT INTO cli_repair.kv (k, v) VALUES (1, 'a');
            INSERT INTO cli_repair.kv (k, v) VALUES (2, 'b');
            DELETE FROM cli_repair.kv WHERE k = 2;
            """);
        Assert.True(create.ExitCode == 0, create.ToString());

        var repair = await Cluster.RunAsync("repair", "cli_repair", "kv", "--node", "0");
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Contains("Repair of cli_repair.kv on 1 node(s):", repair.Stdout, StringComparison.Ordinal);
        Assert.Contains("] cli_repair.kv (", repair.Stdout, StringComparison.Ordinal);
        // In sync (written at ALL): nothing differs, nothing is sent.
        Assert.Matches(@"done: (\d+)/\1 ranges repaired, 0 failed; rows compared \d+, differing 0, sent 0 ", repair.Stdout);

        var history = await Cluster.RunAsync("repair", "--history", "--node", "0", "cli_repair");
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Matches(@"[1-9]\d* range\(s\) repaired", history.Stdout);
        Assert.Contains("  cli_repair.kv (", history.Stdout, StringComparison.Ordinal);

        var bad = await Cluster.RunAsync("repair", "cli_repair", "--node", "0", "--ranges", "12-34");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("--ranges: '12-34' is not start:end", bad.Stderr, StringComparison.Ordinal);
    }
}

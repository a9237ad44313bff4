namespace RingStore.Cli.Tests;

/// <summary>
/// up → write → down (processes gone) → up on the same directory → the rows are still there. A cluster of its own
/// (own directory and ports), in the serial collection so it never overlaps the shared one's heavy work.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LifecycleEndToEndTests
{
    [Fact]
    public async Task Down_stops_every_node_and_up_on_the_same_directory_restarts_the_cluster_with_its_data()
    {
        await using var cluster = LocalClusterHandle.Create();
        var up = await cluster.UpAsync("--no-sample");
        Assert.True(up.ExitCode == 0, up.ToString());
        var firstPids = cluster.RecordedPids();
        Assert.Equal(3, firstPids.Count(p => p > 0));

        var write = await cluster.ShellAsync("-e", """
            CREATE KEYSPACE cli_life WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3};
            CREATE TABLE cli_life.kv (k text PRIMARY KEY, v bigint);
            CONSISTENCY ALL
            INSERT INTO cli_life.kv (k, v) VALUES ('durable', 42);
            """);
        Assert.True(write.ExitCode == 0, write.ToString());

        var again = await cluster.UpAsync("--no-sample");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already running", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(firstPids, cluster.RecordedPids());

        var down = await cluster.RunAsync("down");
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains("Stopped 3 nodes", down.Stdout, StringComparison.Ordinal);
        Assert.False(cluster.AnyNodeRunning(firstPids));

        var restart = await cluster.UpAsync("--no-sample");
        Assert.True(restart.ExitCode == 0, restart.ToString());
        Assert.Contains("Restarting 3 of 3 nodes", restart.Stdout, StringComparison.Ordinal);
        Assert.True(cluster.AnyNodeRunning(cluster.RecordedPids()));

        var read = await cluster.ShellAsync("-e", "CONSISTENCY ALL; SELECT k, v FROM cli_life.kv WHERE k = 'durable';");
        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Contains(" k       | v\n---------+----\n durable | 42\n\n(1 rows)\n", read.Stdout, StringComparison.Ordinal);

        var secondPids = cluster.RecordedPids();
        var finalDown = await cluster.RunAsync("down");
        Assert.True(finalDown.ExitCode == 0, finalDown.ToString());
        Assert.False(cluster.AnyNodeRunning(secondPids));
    }
}

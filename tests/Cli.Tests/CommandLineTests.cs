using System.Text.Json;
using RingStore.LocalCluster;

namespace RingStore.Cli.Tests;

/// <summary>The `ringstore` command line without a cluster: usage, help, and argument checks of every command.</summary>
public sealed class CommandLineTests : IDisposable
{
    private const string HostId = "123e4567-e89b-12d3-a456-426614174000";

    // A recorded 3-node cluster whose nodes do not run (pids 0): --node N resolves, the node is down.
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"ringstore-cli-args-{Guid.NewGuid():N}");

    public CommandLineTests()
    {
        Directory.CreateDirectory(_dir);
        new LocalClusterState("ringstore", "127.0.0.1", 1, 2043, [0, 0, 0], [false, false, true]).Save(_dir);
    }

    public static TheoryData<string> CommandNames => new()
    {
        "up", "down", "demo", "shell", "status", "ring", "token", "endpoints", "toppartitions",
        "add-node", "decommission", "removenode", "cleanup", "netstats",
    };

    [Fact]
    public async Task No_arguments_prints_the_usage_and_exits_2()
    {
        var result = await CliProcess.RunAsync([]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("usage: ringstore <command>", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public async Task Every_command_has_its_own_help(string command)
    {
        var result = await CliProcess.RunAsync([command, "--help"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"usage: ringstore {command}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"  {command} ", Program.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_usage_lists_every_option_of_the_new_commands()
    {
        Assert.Matches(@"add-node \[--dir [^\]]+\] \[--timeout", Program.Usage);
        Assert.Matches(@"decommission --node N \| --host h:p \[--dir D\] \[--timeout", Program.Usage);
        Assert.Matches(@"removenode <host id> \[--host h:p\] \[--dir D\] \[--timeout", Program.Usage);
        Assert.Matches(@"cleanup \[--node N \| --host h:p\] \[--dir D\] \[--timeout \d+\] \[keyspace \[table\]\]", Program.Usage);
        Assert.Matches(@"netstats \[--node N \| --host h:p\] \[--dir D\]", Program.Usage);
        Assert.Contains("[--consistency LEVEL]", Program.Usage, StringComparison.Ordinal);
        Assert.Contains("down [--dir .ringstore] [--timeout 30]", Program.Usage, StringComparison.Ordinal);
    }

    // Every option a command's parser accepts (its ValueOptions and Flags) appears in that command's help (down: see above).
    [Theory]
    [InlineData("up", typeof(RingStore.Cli.Commands.UpCommand))]
    [InlineData("shell", typeof(RingStore.Cli.Commands.ShellCommand))]
    [InlineData("status", typeof(RingStore.Cli.Commands.StatusCommand))]
    [InlineData("token", typeof(RingStore.Cli.Commands.TokenCommand))]
    [InlineData("endpoints", typeof(RingStore.Cli.Commands.EndpointsCommand))]
    [InlineData("toppartitions", typeof(RingStore.Cli.Commands.TopPartitionsCommand))]
    [InlineData("add-node", typeof(RingStore.Cli.Commands.AddNodeCommand))]
    [InlineData("decommission", typeof(RingStore.Cli.Commands.DecommissionCommand))]
    [InlineData("removenode", typeof(RingStore.Cli.Commands.RemoveNodeCommand))]
    [InlineData("cleanup", typeof(RingStore.Cli.Commands.CleanupCommand))]
    [InlineData("netstats", typeof(RingStore.Cli.Commands.NetstatsCommand))]
    public void The_help_lists_every_option_the_command_accepts(string command, Type type)
    {
        string help = Program.HelpFor(command)!;
        var options = new[] { "ValueOptions", "Flags" }
            .Select(name => type.GetField(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static))
            .Where(f => f is not null)
            .SelectMany(f => (string[])f!.GetValue(null)!)
            .ToList();
        Assert.NotEmpty(options);
        Assert.All(options, option => Assert.Matches($@"[\[ |]{System.Text.RegularExpressions.Regex.Escape(option)}[\] =| ]", help));
    }

    [Theory]
    // usage errors: 2
    [InlineData(2, "decommission needs", "decommission")]
    [InlineData(2, "not both", "decommission", "--node", "1", "--host", "127.0.0.1:1")]
    [InlineData(2, "--node needs a node number", "decommission", "--node", "x")]
    [InlineData(2, "--host needs one host:port", "decommission", "--host", "nocolon")]
    [InlineData(2, "--host needs one host:port", "decommission", "--host", "a:1,b:2")]
    [InlineData(2, "unexpected argument", "decommission", "--node", "1", "extra")]
    [InlineData(2, "unknown option", "decommission", "--nodes", "1")]
    [InlineData(2, "takes one host id", "removenode")]
    [InlineData(2, "is not a host id", "removenode", "not-a-uuid")]
    [InlineData(2, "is not a host id", "removenode", "123e4567e89b12d3a456426614174000")]
    [InlineData(2, "takes one host id", "removenode", HostId, "another")]
    [InlineData(2, "at most a keyspace and a table", "cleanup", "ks", "t", "x")]
    [InlineData(2, "--node needs a node number", "cleanup", "--node", "-1")]
    [InlineData(2, "unexpected argument", "netstats", "ks")]
    [InlineData(2, "unexpected argument", "add-node", "3")]
    [InlineData(2, "--timeout must be an integer", "add-node", "--timeout", "0")]
    [InlineData(2, "unknown command", "decomission")]
    // failures: 1
    [InlineData(1, "unknown node 7", "decommission", "--node", "7")]
    [InlineData(1, "node 1 (127.0.0.1:2044) is not running", "decommission", "--node", "1")]
    [InlineData(1, "node 2 was removed", "netstats", "--node", "2")]
    [InlineData(1, "is down or unreachable", "decommission", "--host", "127.0.0.1:1")]
    [InlineData(1, "no node answered", "removenode", HostId, "--host", "127.0.0.1:1")]
    [InlineData(1, "is down or unreachable", "cleanup", "--host", "127.0.0.1:1", "demo", "readings")]
    [InlineData(1, "is down or unreachable", "netstats", "--host", "127.0.0.1:1")]
    [InlineData(1, "no node of the cluster", "add-node")]
    public async Task Arguments_are_checked_with_a_clear_error_and_no_stack_trace(int exitCode, string error, params string[] args)
    {
        var result = await CliProcess.RunAsync([.. args, "--dir", _dir]);
        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Contains(error, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_on_a_directory_without_a_cluster_say_so()
    {
        string empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);
        foreach (string[] args in new[] { new[] { "add-node" }, ["decommission", "--node", "0"] })
        {
            var result = await CliProcess.RunAsync([.. args, "--dir", empty]);
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Contains("no cluster in", result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Token_of_a_non_number_says_it_is_not_a_bigint()
    {
        var result = await CliProcess.RunAsync(["token", "bigint:abc"]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("not a bigint", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("out of range", result.Stderr, StringComparison.Ordinal);
        var tooBig = await CliProcess.RunAsync(["token", "bigint:99999999999999999999"]);
        Assert.Equal(1, tooBig.ExitCode);
        Assert.DoesNotContain("not a bigint", tooBig.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Old_cluster_files_without_removed_marks_still_load()
    {
        File.WriteAllText(Path.Combine(_dir, RingStore.LocalCluster.LocalCluster.StateFileName),
            """{"ClusterName":"ringstore","ListenAddress":"127.0.0.1","InternodeBasePort":7000,"GrpcBasePort":9042,"Pids":[11,12]}""");
        var state = RingStore.LocalCluster.LocalCluster.LoadState(_dir)!;
        Assert.Equal([0, 1], state.ActiveNodes);
        var removed = state.WithRemoved(0);
        Assert.Equal([0, 12], removed.Pids);
        Assert.Equal([1], removed.ActiveNodes);
        Assert.Contains("\"Removed\"", JsonSerializer.Serialize(removed, LocalClusterState.JsonOptions), StringComparison.Ordinal);
        Assert.DoesNotContain("ActiveNodes", JsonSerializer.Serialize(removed, LocalClusterState.JsonOptions), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}

public sealed class ClusterStateTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"ringstore-cli-state-{Guid.NewGuid():N}");

    public ClusterStateTests() => Directory.CreateDirectory(_dir);

    [Fact]
    public async Task A_node_that_left_is_marked_removed_and_no_longer_a_contact_point()
    {
        // Pid 0 and a pid that is not one of our nodes (this test process) both count as exited.
        new LocalClusterState("ringstore", "127.0.0.1", 7000, 9042, [0, Environment.ProcessId, 0]).Save(_dir);
        await RingStore.Cli.Commands.DecommissionCommand.MarkRemovedAsync(_dir, 1);
        var state = RingStore.LocalCluster.LocalCluster.LoadState(_dir)!;
        Assert.Equal([0, 0, 0], state.Pids);
        Assert.Equal([false, true, false], state.Removed!);
        var args = RingStore.Cli.CommandLine.CliArguments.Parse(["--dir", _dir], ["--dir"], []);
        Assert.Equal(["127.0.0.1:9042", "127.0.0.1:9044"], RingStore.Cli.Cluster.ClusterAddress.ContactPoints(args));
    }

    [Fact]
    public void Nodes_seed_from_node_0_unless_it_left_the_cluster()
    {
        var settings = new RingStore.Cli.Cluster.LaunchSettings(_dir, null, null, null, TimeSpan.FromMinutes(1));
        var state = new LocalClusterState("ringstore", "127.0.0.1", 7000, 9042, [0, 0, 0]);
        var options = RingStore.Cli.Cluster.ClusterLauncher.Options(settings, state) with { Nodes = 4 };
        Assert.Equal("127.0.0.1:7000", options.ForNode(3).Seeds);
        // Node i's ports and data directory are the ones `up` gives node i.
        Assert.Equal(new NodeProcessOptions(3, "127.0.0.1", 7003, 9045, Path.Combine(_dir, "node3"), "127.0.0.1:7000", "ringstore") { ExtraSettings = options.ExtraSettings },
            options.ForNode(3));
        var withoutNode0 = RingStore.Cli.Cluster.ClusterLauncher.Options(settings, state.WithRemoved(0)) with { Nodes = 4 };
        Assert.Equal("127.0.0.1:7001", withoutNode0.ForNode(3).Seeds);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}

using System.Text.Json;
using RingStore.Client.Protos;

namespace RingStore.Cluster.Tests.Native;

/// <summary>
/// The DataStax Python driver against a real 3-node cluster over the CQL native protocol, with its default policies:
/// connect (downgrading to v4 by itself), DDL, simple and prepared writes, paging over many pages, a batch, every
/// type, errors as the driver's exception classes, schema metadata, token-aware routing to the replica that really
/// owns the key, and Unavailable with the right counts once two nodes are killed.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class PythonDriverTests
{
    [Fact]
    public async Task The_Python_driver_works_against_a_three_node_cluster()
    {
        string python = PythonDriver.Find()
            ?? throw new InvalidOperationException("No python3 with the Cassandra driver: apt-get install python3-cassandra (.ci/run does).");
        await using var cluster = await ProcessCluster.StartAsync(3, new Dictionary<string, string> { ["PhiConvictThreshold"] = "5" }, native: true);
        var native = Enumerable.Range(0, 3).Select(i => cluster.Options.NativePort(i)).ToArray();

        var output = await Task.Run(() => PythonDriver.RunScript(python, "main", "127.0.0.1", native[0]));
        Assert.True(output.ExitCode == 0, $"driver script failed ({output.ExitCode}):\n{output.Stdout}\n{output.Stderr}");

        Assert.Equal(4, output.Result("protocol_version").GetInt32());
        Assert.Equal(native.Select(p => $"127.0.0.1:{p}").Order(StringComparer.Ordinal), Strings(output.Result("hosts")));
        Assert.Equal(["simple", "prepared"], Strings(output.Result("read_back")));
        Assert.Equal([0], output.Result("pk_indexes").EnumerateArray().Select(e => e.GetInt32()));
        var paging = output.Result("paging");
        Assert.Equal(1000, paging.GetProperty("rows").GetInt32());
        Assert.True(paging.GetProperty("in_order").GetBoolean());
        Assert.InRange(paging.GetProperty("pages").GetInt32(), 20, 21); // 20 full pages, perhaps an empty last one
        Assert.Equal([300, 301, 302], output.Result("paging_state_resume").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(["b10", "b11", "b12"], Strings(output.Result("batch")));
        Assert.True(output.Result("types").GetProperty("equal").GetBoolean(), output.Result("types").ToString());
        Assert.True(output.Result("null_cell").GetBoolean());
        var errors = output.Result("errors");
        Assert.Equal("InvalidRequest", errors.GetProperty("invalid").GetString());
        Assert.Equal("AlreadyExists", errors.GetProperty("already_exists").GetString());
        Assert.Equal("SyntaxException", errors.GetProperty("syntax").GetString());
        var metadata = output.Result("metadata");
        Assert.Equal(["p", "c", "v"], Strings(metadata.GetProperty("columns")));
        Assert.Equal(["p"], Strings(metadata.GetProperty("partition_key")));
        Assert.Equal(["c"], Strings(metadata.GetProperty("clustering_key")));
        Assert.Contains("Ada", output.Stdout.Split('\n'));

        // Routing: the driver's token is RingStore's, and the coordinator it chose is the node that owns it in
        // RingStore's own ring (RF 1: exactly one replica).
        var ring = await cluster.Client(0).DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call());
        foreach (var entry in output.Result("routing").EnumerateArray())
        {
            long token = entry.GetProperty("token").GetInt64();
            Assert.Equal(entry.GetProperty("ringstore_token").GetInt64(), token);
            string coordinator = entry.GetProperty("coordinator").GetString()!;
            Assert.Equal([coordinator], Strings(entry.GetProperty("replicas")));
            int owner = OwnerIndex(cluster, ring, token);
            Assert.Equal($"127.0.0.1:{native[owner]}", coordinator);
        }

        cluster.Kill(1);
        cluster.Kill(2);
        await cluster.WaitUntilSeenDownAsync(0, 1, 2);
        var down = await Task.Run(() => PythonDriver.RunScript(python, "unavailable", "127.0.0.1", native[0]));
        Assert.True(down.ExitCode == 0, $"driver script failed ({down.ExitCode}):\n{down.Stdout}\n{down.Stderr}");
        var unavailable = down.Result("unavailable");
        Assert.Equal(JsonValueKind.Object, unavailable.ValueKind);
        Assert.Equal("Unavailable", unavailable.GetProperty("class").GetString());
        Assert.Equal(2, unavailable.GetProperty("required").GetInt32());
        Assert.Equal(1, unavailable.GetProperty("alive").GetInt32());
    }

    /// <summary>
    /// A node killed and restarted: the node the driver's control connection is on pushes STATUS_CHANGE DOWN and then
    /// UP (from its gossip) with the killed node's native address and port; the driver marks the host down, and up
    /// again from the UP event alone (its own reconnection waits an hour), then queries it again.
    /// </summary>
    [Fact]
    public async Task The_Python_driver_sees_a_killed_node_go_down_and_come_back_up_from_pushed_events()
    {
        string python = PythonDriver.Find()
            ?? throw new InvalidOperationException("No python3 with the Cassandra driver: apt-get install python3-cassandra (.ci/run does).");
        await using var cluster = await ProcessCluster.StartAsync(3, new Dictionary<string, string> { ["PhiConvictThreshold"] = "5" }, native: true);
        var native = Enumerable.Range(0, 3).Select(i => cluster.Options.NativePort(i)).ToArray();
        string target = $"127.0.0.1:{native[2]}";

        using var driver = PythonDriverProcess.Start(python, "events", "127.0.0.1", native[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            native[2].ToString(System.Globalization.CultureInfo.InvariantCulture));
        var ready = await driver.WaitForResultAsync("ready", TimeSpan.FromMinutes(3));
        Assert.Equal($"127.0.0.1:{native[0]}", ready.GetProperty("control").GetString());
        Assert.Equal(target, ready.GetProperty("target").GetString());
        Assert.True(ready.GetProperty("is_up").GetBoolean());

        cluster.Kill(2);
        driver.SendLine("killed");
        var down = await driver.WaitForResultAsync("down", TimeSpan.FromMinutes(4));
        Assert.False(down.GetProperty("is_up").GetBoolean());
        Assert.Contains(Events(down), e => e == ("STATUS_CHANGE", "DOWN", target));

        await cluster.RestartAsync(2, expectedUp: 3);
        driver.SendLine("restarted");
        var up = await driver.WaitForResultAsync("up", TimeSpan.FromMinutes(4));
        Assert.True(up.GetProperty("is_up").GetBoolean());
        var events = Events(up);
        int downAt = events.IndexOf(("STATUS_CHANGE", "DOWN", target));
        int upAt = events.FindLastIndex(e => e == ("STATUS_CHANGE", "UP", target));
        Assert.True(downAt >= 0 && upAt > downAt, "events: " + up.GetProperty("events"));
        Assert.DoesNotContain(events, e => e.Address != target); // nothing about the nodes that stayed up
        Assert.StartsWith("4.0.0", (await driver.WaitForResultAsync("pinned_query", TimeSpan.FromMinutes(2))).GetString());
        Assert.True(driver.WaitForExit(TimeSpan.FromMinutes(2)) == 0, driver.Output);
    }

    /// <summary>
    /// README's "Use it from any Cassandra driver" example is the code the main test runs (readme_example in
    /// driver_check.py), line for line, only the contact point differing (the README's is 127.0.0.1 on 9042).
    /// </summary>
    [Fact]
    public void The_README_Python_example_is_the_one_the_test_runs()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "RingStore.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no RingStore.sln above the test");
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        int section = readme.IndexOf("## Use it from any Cassandra driver", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no driver section");
        int start = readme.IndexOf("```python\n", section, StringComparison.Ordinal) + "```python\n".Length;
        string[] readmeLines = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)].Split('\n', StringSplitOptions.RemoveEmptyEntries);

        string script = File.ReadAllText(Path.Combine(root, "tests", "Cluster.Tests", "Native", "driver_check.py"));
        int body = script.IndexOf("def readme_example(host, port):", StringComparison.Ordinal);
        string[] scriptLines = script[body..].Split('\n').Skip(1).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal))
            .Select(l => l.Trim()).Where(l => !l.StartsWith('#') && l != "session.cluster.shutdown()").ToArray();

        Assert.Equal(readmeLines.Length, scriptLines.Length);
        for (int i = 0; i < readmeLines.Length; i++)
        {
            Assert.Equal(readmeLines[i].Replace("Cluster([\"127.0.0.1\"])", "Cluster([host], port=port)", StringComparison.Ordinal), scriptLines[i]);
        }
    }

    private static List<(string Type, string Change, string Address)> Events(JsonElement result) =>
        [.. result.GetProperty("events").EnumerateArray().Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("change").GetString()!, e.GetProperty("address").GetString()!))];

    /// <summary>The node whose token is the first at or after <paramref name="token"/> on the ring (wrapping).</summary>
    private static int OwnerIndex(ProcessCluster cluster, DescribeRingResponse ring, long token)
    {
        var tokens = ring.Nodes.SelectMany(n => n.Tokens.Select(t => (Token: t, n.Endpoint))).OrderBy(t => t.Token).ToList();
        string endpoint = (tokens.FirstOrDefault(t => t.Token >= token) is { Endpoint: not null } hit ? hit : tokens[0]).Endpoint;
        return Enumerable.Range(0, cluster.Count).Single(i => cluster.Node(i).Options.InternodeEndpoint == endpoint);
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}

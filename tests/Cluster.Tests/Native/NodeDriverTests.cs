using System.Diagnostics;
using System.Text.Json;

namespace RingStore.Cluster.Tests.Native;

/// <summary>
/// The DataStax Node.js driver (cassandra-driver from the npm registry, pinned by Native/node/package-lock.json and
/// installed there by `.ci/run` with `npm ci`) against a real 3-node cluster: connect, keyspace and table DDL,
/// prepared inserts, a select paged by the driver's page state, errors as the driver's classes, schema metadata.
/// The driver is kept on its contact point: it reaches peers only on its one configured port, and the test's nodes
/// share an address. Without node or the installed driver the test fails and says how to install them: it never skips.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class NodeDriverTests
{
    [Fact]
    public async Task The_Nodejs_driver_works_against_a_three_node_cluster()
    {
        string folder = ScriptFolder();
        string node = FindNode()
            ?? throw new InvalidOperationException("No `node` on PATH: apt-get install nodejs npm, then npm ci --prefix " + folder + " (.ci/run does both).");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "cassandra-driver")))
            throw new InvalidOperationException("The Node.js driver is not installed: npm ci --prefix " + folder + " (.ci/run does).");

        await using var cluster = await ProcessCluster.StartAsync(3, native: true);
        var native = Enumerable.Range(0, 3).Select(i => cluster.Options.NativePort(i)).ToArray();
        var (exit, stdout, stderr) = await Task.Run(() => Run(node, folder, native[0]));
        Assert.True(exit == 0, $"driver script failed ({exit}):\n{stdout}\n{stderr}");
        JsonElement Result(string name)
        {
            string prefix = "RESULT " + name + " ";
            string? line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            Assert.True(line is not null, $"no {name} result.\nstdout:\n{stdout}\nstderr:\n{stderr}");
            return JsonDocument.Parse(line![prefix.Length..]).RootElement;
        }

        Assert.Equal(4, Result("protocol_version").GetInt32());
        // The driver knows the contact point (the peers it addresses on its one port, 9042: see driver_check.js).
        Assert.Contains($"127.0.0.1:{native[0]}", Result("hosts").EnumerateArray().Select(e => e.GetString()!));
        var paging = Result("paging");
        Assert.Equal(250, paging.GetProperty("rows").GetInt32());
        Assert.True(paging.GetProperty("in_order").GetBoolean());
        Assert.InRange(paging.GetProperty("pages").GetInt32(), 7, 8); // 6 full pages and a partial one (perhaps an empty last)
        Assert.Equal("row42", Result("read_back").GetString());
        var errors = Result("errors");
        Assert.Equal("ResponseError", errors.GetProperty("already_exists").GetProperty("class").GetString());
        Assert.Equal(0x2400, errors.GetProperty("already_exists").GetProperty("code").GetInt32());
        Assert.Equal("js", errors.GetProperty("already_exists").GetProperty("keyspace").GetString());
        Assert.Equal(0x2200, errors.GetProperty("invalid").GetProperty("code").GetInt32());
        Assert.Equal(0x2000, errors.GetProperty("syntax").GetProperty("code").GetInt32());
        var metadata = Result("metadata");
        Assert.Equal(["c", "p", "v"], metadata.GetProperty("columns").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(["p"], metadata.GetProperty("partition_key").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(["c"], metadata.GetProperty("clustering_key").EnumerateArray().Select(e => e.GetString()!));
    }

    /// <summary>Native/node in the source tree (node_modules is installed there, not copied to the build output).</summary>
    private static string ScriptFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RingStore.sln"))) return Path.Combine(dir.FullName, "tests", "Cluster.Tests", "Native", "node");
        }
        throw new InvalidOperationException("Cannot find the repository (RingStore.sln) above " + AppContext.BaseDirectory);
    }

    private static string? FindNode() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "node"))
            .FirstOrDefault(File.Exists);

    private static (int Exit, string Stdout, string Stderr) Run(string node, string folder, int port)
    {
        var start = new ProcessStartInfo(node) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("driver_check.js");
        start.ArgumentList.Add("127.0.0.1");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, stdout.Result, stderr.Result + "\n(killed after 5 minutes)");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

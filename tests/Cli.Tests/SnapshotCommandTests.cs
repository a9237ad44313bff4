using RingStore.Cli.CommandLine;
using RingStore.Cli.Commands;
using RingStore.Client.Protos;
using RingStore.LocalCluster;

namespace RingStore.Cli.Tests;

/// <summary>snapshot, listsnapshots, clearsnapshot, restore and load: their arguments, without a cluster.</summary>
public sealed class SnapshotCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"ringstore-cli-snap-{Guid.NewGuid():N}");

    public SnapshotCommandTests()
    {
        Directory.CreateDirectory(_dir);
        new LocalClusterState("ringstore", "127.0.0.1", 1, 2043, [0, 0, 0], [false, false, false]).Save(_dir);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static CliArguments Args(params string[] args) => CliArguments.Parse(args, ["--tag", "--node", "--host", "--dir", "--timeout"], []);

    [Theory]
    [InlineData(new string[0], null, "", "")]
    [InlineData(new[] { "--tag", "nightly-1", "demo" }, "nightly-1", "demo", "")]
    [InlineData(new[] { "demo", "readings", "--tag=x.y_z" }, "x.y_z", "demo", "readings")]
    [InlineData(new[] { "demo.readings" }, null, "demo", "readings")]
    public void Selection_takes_a_tag_and_keyspace_and_table(string[] args, string? tag, string keyspace, string table)
    {
        var s = SnapshotCommand.ParseSelection(Args(args), "snapshot", tagRequired: false);
        Assert.Equal(new SnapshotCommand.Selection(tag, keyspace, table), s);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("with space")]
    public void A_tag_that_is_not_a_safe_folder_name_is_a_usage_error(string tag)
    {
        var e = Assert.Throws<UsageException>(() => SnapshotCommand.ParseSelection(Args("--tag", tag), "snapshot", tagRequired: false));
        Assert.Contains("tag", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_needs_a_tag()
    {
        var e = Assert.Throws<UsageException>(() => SnapshotCommand.ParseSelection(Args("demo"), "restore", tagRequired: true));
        Assert.Contains("restore needs --tag", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_finds_a_tag_in_every_nodes_data_and_a_folder_as_given()
    {
        string a = Path.Combine(_dir, "node0", "data", "data", "ks", "t-0123", "snapshots", "bk");
        string b = Path.Combine(_dir, "node1", "data", "data", "ks", "t-0123", "snapshots", "bk");
        string other = Path.Combine(_dir, "node1", "data", "data", "ks", "t-0123", "snapshots", "other");
        foreach (string d in new[] { a, b, other })
        {
            Directory.CreateDirectory(d);
            File.WriteAllText(Path.Combine(d, "manifest.json"), "{}");
        }
        Assert.Equal([a, b], LoadCommand.FindFolders("bk", _dir));
        Assert.Equal([a], LoadCommand.FindFolders(a, _dir));
        Assert.Equal([a, b, other], LoadCommand.FindFolders(_dir, "/nowhere"));
        Assert.Throws<CommandFailedException>(() => LoadCommand.FindFolders("missing-tag", _dir));
        Assert.Throws<UsageException>(() => LoadCommand.FindFolders("not/a/tag", _dir));
    }

    [Fact]
    public void Load_settings_default_to_quorum_and_take_contacts_and_a_target_table()
    {
        string folder = Path.Combine(_dir, "n", "snapshots", "bk");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "manifest.json"), "{}");
        var s = LoadCommand.Parse([folder, "--contact", "10.0.0.1:9160,10.0.0.2:9160", "--keyspace", "copy", "--table", "t2", "--batch-kib", "64"]);
        Assert.Equal(["10.0.0.1:9160", "10.0.0.2:9160"], s.Contacts);
        Assert.Equal(Consistency.Quorum, s.Consistency);
        Assert.Equal(("copy", "t2"), (s.Keyspace, s.Table));
        Assert.Equal(64 * 1024, s.BatchBytes);
        Assert.Equal(Consistency.All, LoadCommand.Parse([folder, "--consistency", "all", "--contact", "h:1"]).Consistency);
        Assert.Throws<UsageException>(() => LoadCommand.Parse([folder, "--consistency", "most"]));
        Assert.Throws<UsageException>(() => LoadCommand.Parse([folder, "--table", "t"]));
        Assert.Throws<UsageException>(() => LoadCommand.Parse([folder, "--contact", "nocolon"]));
        Assert.Throws<UsageException>(() => LoadCommand.Parse([folder, "--contact", "h:1", "--host", "h:2"]));
        Assert.Throws<UsageException>(() => LoadCommand.Parse([]));
    }

    [Theory]
    [InlineData(2, "restore needs --tag", "restore")]
    [InlineData(2, "at most a keyspace and a table", "snapshot", "a", "b", "c")]
    [InlineData(2, "Snapshot tag", "clearsnapshot", "--tag", "a/b")]
    [InlineData(2, "load takes one snapshot folder or tag", "load")]
    [InlineData(1, "is down or unreachable", "snapshot", "--host", "127.0.0.1:1")]
    [InlineData(1, "is down or unreachable", "listsnapshots", "--host", "127.0.0.1:1")]
    [InlineData(1, "no snapshot 'nope'", "load", "nope")]
    public async Task The_commands_fail_with_a_clear_error(int exitCode, string error, params string[] args)
    {
        var result = await CliProcess.RunAsync([.. args, "--dir", _dir]);
        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Contains(error, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("snapshot", typeof(SnapshotCommand))]
    [InlineData("listsnapshots", typeof(SnapshotCommand))]
    [InlineData("clearsnapshot", typeof(SnapshotCommand))]
    [InlineData("restore", typeof(SnapshotCommand))]
    [InlineData("load", typeof(LoadCommand))]
    public void The_help_lists_every_option(string command, Type type)
    {
        string help = Program.HelpFor(command)!;
        var options = (string[])type.GetField("ValueOptions", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.GetValue(null)!;
        Assert.All(options, option => Assert.Matches($@"[\[ |]{System.Text.RegularExpressions.Regex.Escape(option)}[\] =| ]", help));
    }
}

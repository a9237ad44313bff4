using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RingStore.Node.Hosting;
using RingStore.Node.Tests.Cluster;
using RingStore.Storage.CommitLog;

namespace RingStore.Node.Tests.Hosting;

/// <summary>
/// A node whose commit log is corrupt in the middle of a segment refuses to start, naming the switch that exists
/// (--commitlog-ignore-replay-errors) and what skipping loses; with it, it starts and keeps the entries before the
/// corruption (issue 21 item 4).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CommitLogReplayOptionTests
{
    private const int Rows = 300;

    [Fact]
    public async Task Switch_binds_to_the_option_which_is_off_by_default()
    {
        Assert.False(new NodeOptions().CommitLogIgnoreReplayErrors);
        await using var app = Program.Build(["--commitlog-ignore-replay-errors", "true"]);
        Assert.True(app.Services.GetRequiredService<IOptions<NodeOptions>>().Value.CommitLogIgnoreReplayErrors);
    }

    [Fact]
    public async Task Node_with_a_commit_log_corrupt_mid_segment_refuses_to_start_unless_told_to_skip_then_keeps_the_entries_before()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        var options = cluster.Options[0];
        var table = await cluster.CreateSampleTableAsync(replicationFactor: 1);
        for (int i = 0; i < Rows; i++) await cluster[0].Engine.ApplyAsync(SampleData.Upsert(table, pk: 1, ck: i, value: new string('v', 100)));

        // A crash image: the data directory as it is now (every write acknowledged = fsynced, nothing flushed), taken
        // before the clean stop flushes the memtable to an SSTable.
        string image = options.DataDirectory + "-crash";
        CopyDirectory(options.DataDirectory, image);
        await cluster.StopNodeAsync(0);
        Directory.Delete(options.DataDirectory, recursive: true);
        Directory.Move(image, options.DataDirectory);

        // Flip a byte in the middle of the only segment: valid entries follow it, so it is not a torn tail.
        string segment = Directory.GetFiles(Path.Combine(options.DataDirectory, "data", "commitlog"), "commitlog.log.*").Single();
        long length = new FileInfo(segment).Length;
        using (var f = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = length / 2;
            int b = f.ReadByte();
            f.Position = length / 2;
            f.WriteByte((byte)(b ^ 0x5A));
        }

        var refused = await Assert.ThrowsAsync<CommitLogCorruptionException>(() => RingStoreNode.StartAsync(options, NullLoggerFactory.Instance));
        Assert.Contains("--commitlog-ignore-replay-errors", refused.Message, StringComparison.Ordinal);
        Assert.Contains("lost on this replica", refused.Message, StringComparison.Ordinal);
        Assert.Contains("repair", refused.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(segment), refused.Message, StringComparison.Ordinal);

        options.CommitLogIgnoreReplayErrors = true;
        await cluster.StartNodeAsync(0);
        var rows = cluster[0].Engine.Read(SampleData.Partition(table, 1)).Rows.Select(r => SampleData.Ck(table, r)).ToHashSet();
        // Every entry before the corrupt one is back; the corrupt one (maybe its page's rest) is skipped; later pages replay too.
        Assert.True(rows.Count < Rows, "the corrupt entry cannot have been replayed");
        Assert.True(Enumerable.Range(0, Rows * 2 / 5).All(rows.Contains), $"entries before the corruption are missing: {Rows - rows.Count} rows lost");
    }

    /// <summary>Copies a live directory; FasterLog replaces its commit-metadata files as it goes, so a vanished file means copy again.</summary>
    private static void CopyDirectory(string from, string to)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                CopyOnce(from, to);
                return;
            }
            catch (FileNotFoundException) when (attempt < 10)
            {
                Directory.Delete(to, recursive: true);
            }
        }
    }

    private static void CopyOnce(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            // Shared read: the running node keeps its files open.
            using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var target = File.Create(file.Replace(from, to, StringComparison.Ordinal));
            source.CopyTo(target);
        }
    }
}

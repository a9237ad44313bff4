using System.Text;
using Microsoft.Extensions.Logging;
using RingStore.Storage.Hints;

namespace RingStore.Storage.Tests.Hints;

public sealed class HintLogCorruptionTests
{
    private static readonly Guid Target = Guid.Parse("5d1c1a9e-3f0b-4c8e-8a77-2b8d3c4e0003");

    private static string SegmentFile(string root) => Path.Combine(root, Target.ToString("D"), "hints.log.0");

    /// <summary>File offsets of each hint's table name, in append order (every test mutation carries it once).</summary>
    private static List<int> HintOffsets(string root)
    {
        byte[] bytes = File.ReadAllBytes(SegmentFile(root));
        byte[] marker = Encoding.UTF8.GetBytes("ks.hinted");
        var offsets = new List<int>();
        for (int i = bytes.AsSpan().IndexOf(marker); i >= 0;)
        {
            offsets.Add(i);
            int next = bytes.AsSpan(i + 1).IndexOf(marker);
            i = next < 0 ? -1 : i + 1 + next;
        }
        return offsets;
    }

    private static void FlipByte(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        int b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ 0x5A));
        file.Flush(flushToDisk: true);
    }

    private static async Task WriteHints(string root, int count)
    {
        await using var store = HintStore.Open(HintData.Options(root));
        await HintData.AppendRange(store, Target, 0, count);
    }

    [Fact]
    public async Task A_corrupted_byte_skips_that_hint_with_a_warning_and_the_store_still_opens()
    {
        using var dir = new TempDirectory();
        await WriteHints(dir.Path, 20);
        var offsets = HintOffsets(dir.Path);
        Assert.Equal(20, offsets.Count);
        FlipByte(SegmentFile(dir.Path), offsets[7] + 3);

        var logs = new ListLoggerFactory();
        await using var store = HintStore.Open(HintData.Options(dir.Path), loggerFactory: logs);
        Assert.Equal(1, store.CorruptSkippedCount);
        Assert.True(logs.Logger.Has(LogLevel.Warning, "Skipping corrupt hint"), "the skipped hint is logged as a warning");
        Assert.Equal(19, store.GetStats(Target).PendingCount);

        var sender = new RecordingSender();
        var result = await store.ReplayAsync(Target, sender.SendAsync);
        Assert.Equal(HintData.Range(0, 20).Where(s => s != 7), sender.Received);
        Assert.Equal(19, result.Delivered);
        Assert.Empty(store.Targets);
    }

    [Fact]
    public async Task A_torn_last_hint_is_cut_and_new_hints_after_it_stay_deliverable()
    {
        using var dir = new TempDirectory();
        await WriteHints(dir.Path, 20);
        var offsets = HintOffsets(dir.Path);
        using (var stream = new FileStream(SegmentFile(dir.Path), FileMode.Open, FileAccess.Write))
            stream.SetLength(offsets[19] + 5); // the last hint is cut in half, as by a crash mid-write

        var logs = new ListLoggerFactory();
        await using (var store = HintStore.Open(HintData.Options(dir.Path), loggerFactory: logs))
        {
            Assert.True(logs.Logger.Has(LogLevel.Warning, "torn tail"));
            Assert.Equal(19, store.GetStats(Target).PendingCount);
            await HintData.AppendRange(store, Target, 100, 2);
        }

        await using (var store = HintStore.Open(HintData.Options(dir.Path)))
        {
            var sender = new RecordingSender();
            await store.ReplayAsync(Target, sender.SendAsync);
            Assert.Equal(HintData.Range(0, 19).Concat(HintData.Range(100, 2)), sender.Received);
        }
    }

    [Fact]
    public async Task Unreadable_commit_metadata_does_not_stop_the_store_from_starting_or_taking_hints()
    {
        using var dir = new TempDirectory();
        await WriteHints(dir.Path, 5);
        string commits = Path.Combine(dir.Path, Target.ToString("D"), "log-commits");
        foreach (string file in Directory.EnumerateFiles(commits))
            File.WriteAllBytes(file, Encoding.UTF8.GetBytes("garbage, not commit metadata"));

        // FasterLog ignores metadata it cannot parse and starts from an older commit or empty (the old hints are
        // then lost; see README). What matters here: the node starts and hints for the host work again.
        await using var store = HintStore.Open(HintData.Options(dir.Path));
        await HintData.AppendRange(store, Target, 50, 1);
        var sender = new RecordingSender();
        await store.ReplayAsync(Target, sender.SendAsync);
        Assert.Equal(50L, sender.Received.Last());
    }

    [Fact]
    public async Task A_missing_segment_file_loses_its_hints_with_a_warning_and_the_store_starts()
    {
        using var dir = new TempDirectory();
        await WriteHints(dir.Path, 5);
        File.Delete(SegmentFile(dir.Path));

        var logs = new ListLoggerFactory();
        await using var store = HintStore.Open(HintData.Options(dir.Path), loggerFactory: logs);
        Assert.True(logs.Logger.Has(LogLevel.Warning, "torn tail"));
        Assert.Equal(1, store.CorruptSkippedCount);
        Assert.Empty(store.Targets);
        await HintData.AppendRange(store, Target, 50, 1);
        var sender = new RecordingSender();
        await store.ReplayAsync(Target, sender.SendAsync);
        Assert.Equal([50L], sender.Received);
    }

    [Fact]
    public async Task A_hint_log_that_hangs_on_open_is_moved_aside_and_the_store_starts()
    {
        using var dir = new TempDirectory();
        await WriteHints(dir.Path, 5);
        // FasterLog blocks forever reading a segment that is a directory (one blocked thread is left behind).
        File.Delete(SegmentFile(dir.Path));
        Directory.CreateDirectory(SegmentFile(dir.Path));

        var logs = new ListLoggerFactory();
        var options = HintData.Options(dir.Path) with { OpenTimeout = TimeSpan.FromSeconds(1) };
        await using var store = HintStore.Open(options, loggerFactory: logs);
        Assert.True(logs.Logger.Has(LogLevel.Error, "did not open within"));
        Assert.Single(Directory.EnumerateDirectories(dir.Path, Target.ToString("D") + ".unreadable-*"));
        Assert.Empty(store.Targets);

        await HintData.AppendRange(store, Target, 50, 1);
        var sender = new RecordingSender();
        await store.ReplayAsync(Target, sender.SendAsync);
        Assert.Equal([50L], sender.Received);
    }
}

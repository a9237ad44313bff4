using Microsoft.Extensions.Time.Testing;
using RingStore.Cluster.Tests;
using RingStore.Storage.CommitLog;
using Log = RingStore.Storage.CommitLog.CommitLog;
using Xunit.Abstractions;

namespace RingStore.Storage.Tests.CommitLog;

/// <summary>
/// The commit log on a real, small ext4 file system (loop-mounted) runs out of space: the appends whose commit failed
/// are not acknowledged, and once space is back the same CommitLog instance goes on in a new generation, without a
/// reopen. A reopen then replays every acknowledged entry of both generations exactly once. Needs root and loop
/// devices; where mounting is refused the test says so and returns without asserting.
/// </summary>
public sealed class CommitLogDiskFullTests(ITestOutputHelper output)
{
    private const int PayloadBytes = 16 * 1024;

    [Fact]
    public async Task After_ENOSPC_the_log_resumes_in_a_new_generation_and_replays_every_acknowledged_entry_once()
    {
        using var fs = LoopFileSystem.TryCreate(32, "rw", out string why);
        if (fs is null)
        {
            output.WriteLine($"SKIPPED: this machine refuses a loop-mounted file system ({why.Trim()}); the test needs root and loop devices.");
            return;
        }
        string dir = Path.Combine(fs.MountPoint, "commitlog");
        string filler = Path.Combine(fs.MountPoint, "filler");
        var time = new FakeTimeProvider(); // the retry schedule runs on it: no attempt unless the test advances it
        var options = Payloads.Options(dir, CommitLogSyncMode.Group) with { GroupCommitWindow = TimeSpan.Zero };
        var acked = new List<(long Sequence, long Position)>();
        var refused = new List<long>();
        long sequence = 0;

        var log = Log.Open(options, logger: null, time);
        try
        {
            // Some entries while there is room, then fill the disk leaving about 2 MiB for the log.
            for (int i = 0; i < 20; i++, sequence++)
                acked.Add((sequence, await log.AppendAsync(Payloads.For(sequence, PayloadBytes))));
            FillLeaving(filler, 2L << 20);

            // Append until commits fail, then a few more: all refused, none acknowledged.
            while (refused.Count < 10)
            {
                Assert.True(sequence < 100_000, "the log never met ENOSPC");
                try
                {
                    acked.Add((sequence, await log.AppendAsync(Payloads.For(sequence, PayloadBytes))));
                }
                catch (IOException)
                {
                    refused.Add(sequence);
                }
                sequence++;
            }
            int ackedBeforeFull = acked.Count;
            output.WriteLine($"{ackedBeforeFull} acknowledged before ENOSPC, {refused.Count} refused, generation {log.CurrentGeneration}");
            Assert.True(ackedBeforeFull > 20, "the log took no entries after the disk was filled");

            // Space back: the next append that the retry schedule allows starts a new generation.
            File.Delete(filler);
            time.Advance(options.GenerationRetryMaxDelay);
            for (int i = 0; i < 200; i++, sequence++)
                acked.Add((sequence, await log.AppendAsync(Payloads.For(sequence, PayloadBytes))));
            Assert.True(log.CurrentGeneration > 1, "still in the first generation");
            Assert.True(Directory.Exists(Path.Combine(dir, "log-commits")), "the failed first generation was deleted while unreleased");
            output.WriteLine($"resumed in generation {log.CurrentGeneration}; {acked.Count} acknowledged in all");
        }
        finally
        {
            await log.DisposeAsync();
        }

        // Reopen: every acknowledged entry of both generations, once, in position order.
        await using (var reopened = Log.Open(options, logger: null, time))
        {
            var replayed = reopened.Replay().ToList();
            var positions = replayed.Select(e => e.Position).ToList();
            Assert.Equal(positions.Order().ToList(), positions);
            Assert.Equal(positions.Count, positions.Distinct().Count());
            var bySequence = replayed.GroupBy(e => Payloads.SequenceOf(e.Payload)).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var (seq, position) in acked)
            {
                Assert.True(bySequence.TryGetValue(seq, out var found), $"acknowledged entry {seq} (position {position}) lost");
                Assert.Single(found);
                Assert.Equal(position, found[0].Position);
                Assert.Equal(Payloads.For(seq, PayloadBytes), found[0].Payload);
            }
            // Anything else replayed must be a refused append (outcome unknown to its writer), never anything made up.
            var others = bySequence.Keys.Except(acked.Select(a => a.Sequence)).ToList();
            Assert.All(others, s => Assert.Contains(s, refused));
            output.WriteLine($"replayed {replayed.Count}: all {acked.Count} acknowledged, {others.Count} refused ones that had reached the disk");

            // Released past the tail, the older generation goes; the log then holds only the current one.
            reopened.ReleaseUpTo(reopened.TailPosition);
            Assert.False(Directory.Exists(Path.Combine(dir, "log-commits")), "generation 1 survived a release past it");
            Assert.Empty(Directory.EnumerateFiles(dir, Log.SegmentBaseName + ".*"));
            Assert.Empty(reopened.Replay());
        }
        await using (var again = Log.Open(options, logger: null, time))
            Assert.Empty(again.Replay());
    }

    /// <summary>Fills the file system with one fsynced file, then gives back <paramref name="leaveBytes"/>.</summary>
    private static void FillLeaving(string path, long leaveBytes)
    {
        var chunk = new byte[1 << 20];
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true) file.Write(chunk);
        }
        catch (IOException)
        {
            // ENOSPC: the disk is full (a partial chunk may have been written).
        }
        file.SetLength(Math.Max(0, file.Length - leaveBytes));
        file.Flush(flushToDisk: true);
    }
}

using Microsoft.Extensions.Time.Testing;
using RingStore.Storage.CommitLog;
using Log = RingStore.Storage.CommitLog.CommitLog;

namespace RingStore.Storage.Tests.CommitLog;

public sealed class CommitLogRoundTripTests
{
    [Theory]
    [InlineData(CommitLogSyncMode.Periodic)]
    [InlineData(CommitLogSyncMode.Group)]
    public async Task Appended_entries_replay_in_order_after_reopen(CommitLogSyncMode mode)
    {
        using var dir = new TempDirectory();
        var positions = new List<long>();
        await using (var log = Log.Open(Payloads.Options(dir.Path, mode)))
        {
            Assert.Empty(log.Replay());
            for (int i = 0; i < 500; i++)
                positions.Add(await log.AppendAsync(Payloads.For(i, size: i % 300)));
            Assert.Equal(log.TailPosition, log.TailPosition);
            Assert.True(log.TailPosition > positions[^1]);
        }

        await using var reopened = Log.Open(Payloads.Options(dir.Path, mode));
        var replayed = reopened.Replay().ToList();
        Assert.Equal(positions, replayed.Select(e => e.Position));
        for (int i = 0; i < replayed.Count; i++)
            Assert.Equal(Payloads.For(i, size: i % 300), replayed[i].Payload);

        long next = await reopened.AppendAsync(Payloads.For(500));
        Assert.True(next > positions[^1], "appends after reopen continue after the recovered tail");
    }

    [Fact]
    public async Task Group_mode_acknowledges_only_durable_entries()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(Payloads.Options(dir.Path, CommitLogSyncMode.Group));
        for (int i = 0; i < 20; i++)
        {
            long position = await log.AppendAsync(Payloads.For(i));
            Assert.True(log.DurablePosition > position, $"entry {i} at {position} acknowledged before commit ({log.DurablePosition})");
        }
    }

    [Fact]
    public async Task Periodic_mode_acknowledges_at_once_and_syncs_on_the_interval()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider();
        var options = Payloads.Options(dir.Path) with { PeriodicSyncInterval = TimeSpan.FromSeconds(5) };
        await using var log = Log.Open(options, logger: null, time);

        long position = await log.AppendAsync(Payloads.For(1));
        Assert.True(log.DurablePosition <= position, "periodic append must not wait for a sync");
        Assert.Equal(0, log.CommitCount);

        time.Advance(TimeSpan.FromSeconds(5));
        await WaitUntil(() => log.DurablePosition > position);
        Assert.Equal(1, log.CommitCount);

        long second = await log.AppendAsync(Payloads.For(2));
        await log.FlushAsync();
        Assert.True(log.DurablePosition > second, "FlushAsync makes everything appended before it durable");
    }

    [Fact]
    public async Task Concurrent_group_writers_share_one_fsync()
    {
        using var dir = new TempDirectory();
        // A wide window so all writers certainly join the first batch; the assertion counts commits, not time.
        var options = Payloads.Options(dir.Path, CommitLogSyncMode.Group) with { GroupCommitWindow = TimeSpan.FromMilliseconds(300) };
        await using var log = Log.Open(options);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await log.AppendAsync(Payloads.For(i));
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(writers);
        Assert.Equal(1, log.CommitCount);
    }

    [Fact]
    public async Task Many_group_writers_need_far_fewer_fsyncs_than_appends()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(Payloads.Options(dir.Path, CommitLogSyncMode.Group));
        const int writers = 8, perWriter = 40;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < perWriter; i++)
                await log.AppendAsync(Payloads.For((w * perWriter) + i));
        })));
        Assert.True(log.CommitCount <= writers * perWriter / 2, $"{log.CommitCount} commits for {writers * perWriter} appends");
        Assert.Equal(writers * perWriter, log.Replay().Count());
    }

    [Fact]
    public async Task Released_entries_are_not_replayed_after_reopen_and_their_segments_are_deleted()
    {
        using var dir = new TempDirectory();
        const long segment = 1L << 16;
        var positions = new List<long>();
        await using (var log = Log.Open(Payloads.Options(dir.Path, segment: segment)))
        {
            for (int i = 0; i < 3000; i++)
                positions.Add(await log.AppendAsync(Payloads.For(i)));
            await log.FlushAsync();
            log.ReleaseUpTo(positions[2000]);
            Assert.Equal(positions.Skip(2000), log.Replay().Select(e => e.Position));
        }

        // FasterLog deletes released segments asynchronously once no reader can still be on them.
        string firstSegment = Payloads.SegmentFile(dir.Path, positions[0], segment);
        await WaitUntil(() => !File.Exists(firstSegment));
        await using var reopened = Log.Open(Payloads.Options(dir.Path, segment: segment));
        var replayed = reopened.Replay().Select(e => Payloads.SequenceOf(e.Payload)).ToList();
        Assert.Equal(Enumerable.Range(2000, 1000).Select(i => (long)i), replayed);

        reopened.ReleaseUpTo(reopened.TailPosition);
        Assert.Empty(reopened.Replay());
    }

    [Fact]
    public async Task Bad_arguments_are_rejected()
    {
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentOutOfRangeException>(() => Log.Open(Payloads.Options(dir.Path, segment: 1000)));
        await using var log = Log.Open(Payloads.Options(dir.Path, segment: 1L << 16));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await log.AppendAsync(new byte[log.MaxPayloadBytes + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.ReleaseUpTo(log.TailPosition + 1));
        await log.AppendAsync(new byte[log.MaxPayloadBytes]); // the largest payload fits
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++)
            await Task.Delay(10);
        Assert.True(condition());
    }
}

using RingStore.Storage.Hints;

namespace RingStore.Storage.Tests.Hints;

public sealed class HintStoreReplayTests
{
    private static readonly Guid TargetA = Guid.Parse("0b8a0c52-6f53-4d8e-9a8f-9a1d2f0e0001");
    private static readonly Guid TargetB = Guid.Parse("0b8a0c52-6f53-4d8e-9a8f-9a1d2f0e0002");

    [Fact]
    public async Task Appended_hints_are_replayed_in_order_then_deleted()
    {
        using var dir = new TempDirectory();
        await using var store = HintStore.Open(HintData.Options(dir.Path));
        await HintData.AppendRange(store, TargetA, 0, 100);
        Assert.Equal([TargetA], store.Targets);
        Assert.Equal(100, store.GetStats(TargetA).PendingCount);
        Assert.True(store.GetStats(TargetA).PendingBytes > 100 * 40);

        var sender = new RecordingSender();
        var result = await store.ReplayAsync(TargetA, sender.SendAsync);

        Assert.Equal(HintData.Range(0, 100), sender.Received);
        Assert.Equal(100, result.Delivered);
        Assert.False(result.StoppedEarly);
        Assert.Equal(0, result.Dropped);
        Assert.Equal(new HintTargetStats(0, 0), store.GetStats(TargetA));
        Assert.Empty(store.Targets);
        Assert.Equal(100, store.StoredCount);
        Assert.Equal(100, store.DeliveredCount);

        var again = new RecordingSender();
        var second = await store.ReplayAsync(TargetA, again.SendAsync);
        Assert.Empty(again.Received);
        Assert.Equal(0, second.Delivered);
    }

    [Fact]
    public async Task Hints_and_the_delivered_position_survive_a_reopen()
    {
        using var dir = new TempDirectory();
        await using (var store = HintStore.Open(HintData.Options(dir.Path)))
        {
            await HintData.AppendRange(store, TargetA, 0, 50);
            await HintData.AppendRange(store, TargetB, 1000, 5);
        }

        await using (var store = HintStore.Open(HintData.Options(dir.Path)))
        {
            Assert.Equal(new[] { TargetA, TargetB }.Order(), store.Targets.Order());
            Assert.Equal(50, store.GetStats(TargetA).PendingCount);
            var sender = new RecordingSender { Accept = s => s < 20 };
            var result = await store.ReplayAsync(TargetA, sender.SendAsync);
            Assert.Equal(20, result.Delivered);
            Assert.True(result.StoppedEarly);
        }

        await using (var store = HintStore.Open(HintData.Options(dir.Path)))
        {
            Assert.Equal(30, store.GetStats(TargetA).PendingCount);
            var sender = new RecordingSender();
            await store.ReplayAsync(TargetA, sender.SendAsync);
            Assert.Equal(HintData.Range(20, 30), sender.Received);
            var senderB = new RecordingSender();
            await store.ReplayAsync(TargetB, senderB.SendAsync);
            Assert.Equal(HintData.Range(1000, 5), senderB.Received);
        }
    }

    [Theory]
    [InlineData(false, false)] // sender says no
    [InlineData(true, false)]  // sender throws
    [InlineData(false, true)]  // sender says no, and the node restarts before the next replay
    public async Task A_failed_replay_resumes_at_the_failed_hint_without_resending_acknowledged_ones(bool throws, bool reopen)
    {
        using var dir = new TempDirectory();
        var options = HintData.Options(dir.Path) with { PersistDeliveredEveryHints = 7 };
        var store = HintStore.Open(options);
        try
        {
            await HintData.AppendRange(store, TargetA, 0, 100);
            var all = new List<long>();
            bool failedOnce = false;
            var first = await store.ReplayAsync(TargetA, (m, ct) =>
            {
                long s = HintData.SequenceOf(m);
                all.Add(s);
                if (s == 42 && !failedOnce)
                {
                    failedOnce = true;
                    return throws ? throw new IOException("replica went away") : Task.FromResult(false);
                }
                return Task.FromResult(true);
            });
            Assert.Equal(42, first.Delivered);
            Assert.True(first.StoppedEarly);
            Assert.Equal(58, store.GetStats(TargetA).PendingCount);

            if (reopen)
            {
                await store.DisposeAsync();
                store = HintStore.Open(options);
            }

            var second = await store.ReplayAsync(TargetA, (m, ct) =>
            {
                all.Add(HintData.SequenceOf(m));
                return Task.FromResult(true);
            });
            Assert.Equal(58, second.Delivered);
            Assert.False(second.StoppedEarly);
            // Every hint delivered. Sent twice: the failed one (42) and those already in flight behind it (up to the
            // replay window), which is harmless because a hint replays the same write with the same timestamps.
            int sentBehind = HintReplayer.MaxInFlight - 1;
            Assert.Equal(HintData.Range(0, 43 + sentBehind).Concat(HintData.Range(42, 58)), all);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Hints_older_than_the_window_are_dropped_and_counted()
    {
        using var dir = new TempDirectory();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var store = HintStore.Open(HintData.Options(dir.Path) with { HintWindow = TimeSpan.FromHours(3) }, time);
        await HintData.AppendRange(store, TargetA, 0, 10);
        time.Advance(TimeSpan.FromHours(2));
        await HintData.AppendRange(store, TargetA, 10, 10);
        time.Advance(TimeSpan.FromHours(1.5)); // the first ten are now 3.5 h old, the others 1.5 h

        var sender = new RecordingSender();
        var result = await store.ReplayAsync(TargetA, sender.SendAsync);

        Assert.Equal(HintData.Range(10, 10), sender.Received);
        Assert.Equal(10, result.Dropped);
        Assert.Equal(10, result.Delivered);
        Assert.Equal(10, store.DroppedCount);
        Assert.Equal(0, store.GetStats(TargetA).PendingCount);
    }

    [Fact]
    public async Task DeleteAll_removes_one_hosts_hints_and_nothing_else()
    {
        using var dir = new TempDirectory();
        await using var store = HintStore.Open(HintData.Options(dir.Path));
        await HintData.AppendRange(store, TargetA, 0, 10);
        await HintData.AppendRange(store, TargetB, 100, 10);

        await store.DeleteAllAsync(TargetA);

        Assert.Equal([TargetB], store.Targets);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, TargetA.ToString("D"))));
        Assert.Equal(default, store.GetStats(TargetA));
        var senderA = new RecordingSender();
        Assert.Equal(0, (await store.ReplayAsync(TargetA, senderA.SendAsync)).Delivered);
        Assert.Empty(senderA.Received);

        // The host can come back: new hints for it start a fresh log.
        await HintData.AppendRange(store, TargetA, 500, 3);
        store.DeleteAll(TargetB);
        await store.ReplayAsync(TargetA, senderA.SendAsync);
        Assert.Equal(HintData.Range(500, 3), senderA.Received);
        Assert.Empty(store.Targets);
    }

    [Fact]
    public async Task Concurrent_appends_to_several_targets_are_each_replayed_exactly_once()
    {
        using var dir = new TempDirectory();
        await using var store = HintStore.Open(HintData.Options(dir.Path));
        Guid[] targets = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        const int writers = 4, perWriter = 40;

        // Writer w sends sequences w*1000 .. w*1000+perWriter-1 to every target, interleaved across targets.
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < perWriter; i++)
            {
                foreach (var target in targets)
                    await store.AppendAsync(target, HintData.Mutation((w * 1000) + i));
            }
        })));
        Assert.Equal(writers * perWriter * targets.Length, store.StoredCount);

        var senders = targets.ToDictionary(t => t, _ => new RecordingSender());
        await Task.WhenAll(targets.Select(t => store.ReplayAsync(t, senders[t].SendAsync)));

        var expected = Enumerable.Range(0, writers).SelectMany(w => HintData.Range(w * 1000, perWriter)).Order();
        foreach (var target in targets)
        {
            var received = senders[target].Received.ToList();
            Assert.Equal(expected, received.Order());
            // Append order is kept: each writer's own hints arrive in the order it wrote them.
            for (int w = 0; w < writers; w++)
            {
                var mine = received.Where(s => s / 1000 == w).ToList();
                Assert.Equal(mine.Order(), mine);
            }
        }
        Assert.Empty(store.Targets);
    }

    [Fact]
    public async Task Concurrent_replays_of_one_target_do_not_deliver_twice()
    {
        using var dir = new TempDirectory();
        await using var store = HintStore.Open(HintData.Options(dir.Path));
        await HintData.AppendRange(store, TargetA, 0, 200);
        var sender = new RecordingSender();
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => store.ReplayAsync(TargetA, sender.SendAsync)));
        Assert.Equal(200, results.Sum(r => r.Delivered));
        Assert.Equal(HintData.Range(0, 200), sender.Received);
    }

    [Fact]
    public async Task A_mutation_too_large_for_a_hint_is_rejected_before_anything_is_written()
    {
        using var dir = new TempDirectory();
        await using var store = HintStore.Open(HintData.Options(dir.Path, segmentSizeBytes: 1L << 16));
        Assert.True(store.MaxHintBytes < 1 << 16);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await store.AppendAsync(TargetA, HintData.Mutation(1, valueBytes: 1 << 16)));
        await store.AppendAsync(TargetA, HintData.Mutation(2, valueBytes: store.MaxHintBytes - 100));
        Assert.Equal(1, store.GetStats(TargetA).PendingCount);
        var sender = new RecordingSender();
        await store.ReplayAsync(TargetA, sender.SendAsync);
        Assert.Equal([2L], sender.Received);
    }

    [Fact]
    public async Task Delivered_segments_are_deleted_from_disk()
    {
        using var dir = new TempDirectory();
        const long segment = 1L << 16;
        string targetDir = Path.Combine(dir.Path, TargetA.ToString("D"));
        await using var store = HintStore.Open(HintData.Options(dir.Path, segment));
        await HintData.AppendRange(store, TargetA, 0, 400, valueBytes: 1000); // ~400 KiB: several segments
        Assert.True(File.Exists(Path.Combine(targetDir, "hints.log.0")));

        await store.ReplayAsync(TargetA, new RecordingSender().SendAsync);

        // FasterLog deletes released segments in the background after the commit; wait for it (bounded).
        for (int i = 0; i < 200 && File.Exists(Path.Combine(targetDir, "hints.log.0")); i++)
            await Task.Delay(50);
        Assert.False(File.Exists(Path.Combine(targetDir, "hints.log.0")));
    }
}

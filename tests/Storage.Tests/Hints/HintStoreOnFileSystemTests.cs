using RingStore.Storage.Hints;
using RingStore.Storage.IO;

namespace RingStore.Storage.Tests.Hints;

/// <summary>
/// The hint store on a file seam with <see cref="HintStoreOptions.RunInline"/> (how the simulator runs it): every file
/// goes through the seam, an acknowledged hint survives a power loss of the in-memory disk, and the delivered cursor
/// does too. With fsyncs that lie (a volatile write cache) the same crash loses them, which is what the simulator's
/// planted bug relies on.
/// </summary>
public sealed class HintStoreOnFileSystemTests
{
    private static readonly Guid Target = Guid.Parse("0b8a0c52-6f53-4d8e-9a8f-9a1d2f0e00aa");

    private static HintStoreOptions Options(IStorageFileSystem fs) => new()
    {
        Directory = "/node/hints",
        FileSystem = fs,
        RunInline = true,
        ReplayThrottleKiBPerSecond = 0,
        SegmentSizeBytes = 64 * 1024,
    };

    [Fact]
    public async Task Acknowledged_hints_and_the_delivered_cursor_survive_a_power_loss()
    {
        var memory = new InMemoryFileSystem();
        var store = HintStore.Open(Options(memory));
        await HintData.AppendRange(store, Target, 0, 40);
        Assert.Contains(memory.ListDirectories("/node/hints"), d => d.EndsWith(Target.ToString("D"), StringComparison.Ordinal));
        var sender = new RecordingSender { Accept = s => s < 10 };
        var first = await store.ReplayAsync(Target, sender.SendAsync);
        Assert.Equal(10, first.Delivered);

        memory.Crash(new Random(1), tornWrites: true); // the store is dropped unclosed, as a dead process leaves it
        var reopened = HintStore.Open(Options(memory));
        Assert.Equal(30, reopened.GetStats(Target).PendingCount);
        Assert.Equal(HintData.Range(10, 30), reopened.ReadPending(Target).Select(p => HintData.SequenceOf(p.Mutation)));
        var rest = new RecordingSender();
        var second = await reopened.ReplayAsync(Target, rest.SendAsync);
        Assert.Equal(HintData.Range(10, 30), rest.Received);
        Assert.Equal(30, second.Delivered);
        Assert.Empty(reopened.Targets);
    }

    [Fact]
    public async Task Inline_appends_and_replays_complete_on_the_callers_thread()
    {
        var store = HintStore.Open(Options(new InMemoryFileSystem()));
        var append = store.AppendAsync(Target, HintData.Mutation(1));
        Assert.True(append.IsCompletedSuccessfully); // committed before the call returned
        var replay = store.ReplayAsync(Target, new RecordingSender().SendAsync);
        Assert.True(replay.IsCompletedSuccessfully);
        Assert.Equal(1, (await replay).Delivered);
    }

    [Fact]
    public async Task Hints_whose_fsyncs_lied_are_gone_after_a_power_loss()
    {
        var memory = new InMemoryFileSystem();
        var disk = new FaultInjectingFileSystem(memory) { IgnoreSyncOf = _ => true };
        var store = HintStore.Open(Options(disk));
        await HintData.AppendRange(store, Target, 0, 5);
        Assert.Equal(5, store.GetStats(Target).PendingCount); // acknowledged, though nothing reached the platter

        memory.Crash(new Random(1), tornWrites: false);
        var reopened = HintStore.Open(Options(new FaultInjectingFileSystem(memory)));
        Assert.Empty(reopened.ReadPending(Target));
        Assert.Equal(0, reopened.GetStats(Target).PendingCount);
    }

    [Fact]
    public async Task A_failed_commit_does_not_refuse_the_targets_hints_once_the_disk_works_again()
    {
        // FasterLog keeps a failed commit's error: every later commit of that log failed with it, so one fsync error
        // refused every hint for the host until a restart (the simulator found an acknowledged QUORUM write that
        // never reached a replica). The store now reopens the log from disk for the next append.
        var memory = new InMemoryFileSystem();
        var disk = new FaultInjectingFileSystem(memory);
        var store = HintStore.Open(Options(disk));
        await HintData.AppendRange(store, Target, 0, 5);

        disk.FailSync = true;
        await Assert.ThrowsAnyAsync<Exception>(async () => await store.AppendAsync(Target, HintData.Mutation(5)));
        await Assert.ThrowsAnyAsync<Exception>(async () => await store.AppendAsync(Target, HintData.Mutation(6))); // still failing: reopen fails
        Assert.DoesNotContain(memory.ListDirectories("/node/hints"), d => d.Contains(".unreadable", StringComparison.Ordinal)); // nothing moved aside

        disk.ClearFaults();
        await HintData.AppendRange(store, Target, 7, 5);
        var pending = store.ReadPending(Target).Select(p => HintData.SequenceOf(p.Mutation)).ToList();
        Assert.Equal([.. HintData.Range(0, 5), .. HintData.Range(7, 5)], pending.Where(s => s is < 5 or >= 7));
        Assert.True(pending.Count <= 12, string.Join(",", pending)); // the refused ones may or may not have reached the disk

        memory.Crash(new Random(2), tornWrites: true); // the acknowledged ones also survive a power loss
        var reopened = HintStore.Open(Options(new FaultInjectingFileSystem(memory)));
        var sender = new RecordingSender();
        await reopened.ReplayAsync(Target, sender.SendAsync);
        Assert.Equal([.. HintData.Range(0, 5), .. HintData.Range(7, 5)], sender.Received.Where(s => s is < 5 or >= 7));
    }

    [Fact]
    public async Task Deleting_a_hosts_hints_after_a_failed_commit_leaves_nothing_to_reopen()
    {
        var memory = new InMemoryFileSystem();
        var disk = new FaultInjectingFileSystem(memory);
        var store = HintStore.Open(Options(disk));
        await HintData.AppendRange(store, Target, 0, 3);
        disk.FailSync = true;
        await Assert.ThrowsAnyAsync<Exception>(async () => await store.AppendAsync(Target, HintData.Mutation(3)));
        Assert.Contains(Target, store.Targets); // retired, its committed hints still owed

        disk.ClearFaults();
        await store.DeleteAllAsync(Target);
        Assert.Empty(store.Targets);
        Assert.Empty(store.ReadPending(Target));
        Assert.DoesNotContain(memory.ListDirectories("/node/hints"), d => d.EndsWith(Target.ToString("D"), StringComparison.Ordinal));
    }

    [Fact]
    public void Inline_needs_the_throttle_off()
    {
        var options = Options(new InMemoryFileSystem()) with { ReplayThrottleKiBPerSecond = 1024 };
        Assert.Throws<ArgumentException>(() => HintStore.Open(options));
    }
}

using Microsoft.Extensions.Time.Testing;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;
using RingStore.Storage.IO;
using RingStore.Storage.Tests.IO;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// A flush or compaction that hits a full disk (at any byte, on a write or on a buffered close), a failed fsync or a
/// failed rename keeps no temp file and no open handle, keeps the data where it was (memtable and commit log, or the
/// input SSTables), and succeeds on the next try once the fault is gone, without reopening the engine (issue 21 item 3).
/// </summary>
public class EngineWriteFailureTests
{
    private const int Partitions = 5, RowsPerPartition = 40;

    private static async Task WriteRows(StorageEngine engine, int round)
    {
        for (int i = 0; i < Partitions * RowsPerPartition; i++)
            await engine.ApplyAsync(Write(i % Partitions, i, new byte[100], (round * 1000) + i + 1));
    }

    private static void AssertAllRowsReadable(StorageEngine engine)
    {
        for (int id = 0; id < Partitions; id++)
            Assert.Equal(RowsPerPartition, engine.Read(SliceQuery.WholePartition(Table, Pk(id))).Rows.Count);
    }

    /// <summary>Bytes the flush of one round of rows stores, measured on an identical engine.</summary>
    private static async Task<long> BytesOfOneFlush()
    {
        using var scratch = new TempDirectory();
        var fs = new FaultInjectingFileSystem(new PhysicalFileSystem());
        await using var engine = StorageEngine.Open(Options(scratch.Path), [TimeSeries()], fileSystem: fs);
        await WriteRows(engine, 0);
        long before = fs.BytesWritten;
        await engine.FlushAsync();
        // Minus the replay-floor record written after the SSTable is in place: it is best effort (a failure to write
        // it is logged and costs only a longer replay), so a fault in its bytes does not fail the flush.
        return fs.BytesWritten - before - RingStore.Storage.Engine.ReplayFloorRecord.SizeBytes;
    }

    private static long[] Budgets(long total) =>
        [.. Enumerable.Range(0, 12).Select(i => total * i / 12).Concat(Enumerable.Range(1, 60).Select(i => total - i)).Distinct().Order()];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Flush_failing_at_any_byte_leaks_nothing_keeps_the_data_and_the_next_flush_succeeds(bool deferToFlush)
    {
        long total = await BytesOfOneFlush();
        using var dir = new TempDirectory();
        var fs = new FaultInjectingFileSystem(new PhysicalFileSystem()) { DeferWriteFailureToFlush = deferToFlush };
        await using (var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()], fileSystem: fs))
        {
            await WriteRows(engine, 0);
            foreach (long budget in Budgets(total))
            {
                fs.FailWritesAfterBytes = fs.BytesWritten + budget;
                var e = await Record.ExceptionAsync(() => engine.FlushAsync());
                Assert.True(e is IOException or AggregateException, $"budget {budget} of {total}: {e}");
                LeakCheck.AssertNoLeaks(fs, dir.Path);
                Assert.Equal(0, engine.GetStats().Tables[0].SSTableCount);
                AssertAllRowsReadable(engine);
            }
            fs.FailWritesAfterBytes = null;
            fs.FailSync = true;
            await Assert.ThrowsAnyAsync<IOException>(() => engine.FlushAsync());
            LeakCheck.AssertNoLeaks(fs, dir.Path);
            fs.ClearFaults();
            fs.FailRename = true;
            await Assert.ThrowsAnyAsync<IOException>(() => engine.FlushAsync());
            LeakCheck.AssertNoLeaks(fs, dir.Path);

            // Space is back: the same engine flushes, no restart.
            fs.ClearFaults();
            await engine.FlushAsync();
            Assert.Equal(1, engine.GetStats().Tables[0].SSTableCount);
            Assert.Equal(0, engine.GetStats().Tables[0].FlushingMemtables);
            AssertAllRowsReadable(engine);
            LeakCheck.AssertNoLeaks(fs, dir.Path);
        }
        Assert.Empty(LeakCheck.OpenTempHandles(dir.Path));
        await using var reopened = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        AssertAllRowsReadable(reopened);
        Assert.Equal(1, reopened.GetStats().Tables[0].SSTableCount);
    }

    /// <summary>
    /// On virtual time a retry happens only when the test advances the clock, so the leak checks run between attempts,
    /// never during one (an attempt creates temp files before the full disk fails it).
    /// </summary>
    [Fact]
    public async Task Background_flush_retries_by_itself_once_space_is_back()
    {
        using var dir = new TempDirectory();
        var (engine, fs, time, failures) = OpenOnFullDisk(dir.Path);
        await using var _ = engine;
        await WriteRows(engine, 0); // ~20 KB: one memtable switches and its background flush fails
        await WaitUntilAsync(() => failures.Count >= 1, "the first background flush failed");
        Assert.Equal(1, engine.GetStats().Tables[0].FlushingMemtables);
        LeakCheck.AssertNoLeaks(fs, dir.Path);
        await PumpUntilAsync(time, () => failures.Count >= 2, "the retry failed too"); // still a full disk
        Assert.Equal(0, engine.GetStats().Tables[0].SSTableCount);
        LeakCheck.AssertNoLeaks(fs, dir.Path);
        AssertAllRowsReadable(engine);

        fs.ClearFaults();
        await PumpUntilAsync(time, () => engine.GetStats().Tables[0].SSTableCount == 1, "the retry on a disk with room flushed");
        Assert.Equal(0, engine.GetStats().Tables[0].FlushingMemtables);
        AssertAllRowsReadable(engine);
        LeakCheck.AssertNoLeaks(fs, dir.Path);
    }

    /// <summary>
    /// The disk failure policy "stop" halts background work: no flush retry touches the failed disk again (a retry
    /// creates temp files before it fails, which a node out of service would keep doing every second). Without the
    /// halt the clock advance below makes a retry run and, with the fault cleared, write an SSTable.
    /// </summary>
    [Fact]
    public async Task Halting_background_work_ends_flush_retries_and_leaves_no_temp_file()
    {
        using var dir = new TempDirectory();
        var (engine, fs, time, failures) = OpenOnFullDisk(dir.Path);
        await using var _ = engine;
        await WriteRows(engine, 0);
        await WaitUntilAsync(() => failures.Count >= 1, "the background flush failed");

        await engine.HaltBackgroundWorkAsync();
        Assert.True(engine.BackgroundWorkHalted);
        LeakCheck.AssertNoLeaks(fs, dir.Path);
        long written = fs.BytesWritten;
        fs.ClearFaults();
        for (int i = 0; i < 5; i++)
        {
            // Five retry intervals, each with a moment of real time for a retry to run: the loops have ended, none does.
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }
        Assert.Equal(1, failures.Count);
        Assert.Equal(written, fs.BytesWritten);
        Assert.Equal(0, engine.GetStats().Tables[0].SSTableCount);
        AssertAllRowsReadable(engine);

        // An operator's explicit flush still works on the halted engine.
        await engine.FlushAsync();
        Assert.True(engine.GetStats().Tables[0].SSTableCount >= 1);
        Assert.Equal(0, engine.GetStats().Tables[0].FlushingMemtables);
        AssertAllRowsReadable(engine);
        LeakCheck.AssertNoLeaks(fs, dir.Path);
    }

    private sealed class FailureCount
    {
        private int _count;
        public int Count => Volatile.Read(ref _count);
        public void Add() => Interlocked.Increment(ref _count);
    }

    /// <summary>An engine with background flushes on virtual time over a disk that is already full, counting the disk failures it reports.</summary>
    private static (StorageEngine Engine, FaultInjectingFileSystem Fs, FakeTimeProvider Time, FailureCount Failures) OpenOnFullDisk(string directory)
    {
        var fs = new FaultInjectingFileSystem(new PhysicalFileSystem()) { DeferWriteFailureToFlush = true, FailWritesAfterBytes = 0 };
        var time = new FakeTimeProvider();
        var options = Options(directory) with { BackgroundCompaction = true, MemtableFlushThresholdBytes = 16 * 1024 };
        var engine = StorageEngine.Open(options, [TimeSeries()], time: time, fileSystem: fs);
        var failures = new FailureCount();
        engine.DiskFailed += _ => failures.Add();
        return (engine, fs, time, failures);
    }

    /// <summary>
    /// Advances virtual time a second at a time until <paramref name="condition"/> holds: the retry's timer is set
    /// after the failure is reported, so one advance right after the report may come before the timer exists.
    /// </summary>
    private static async Task PumpUntilAsync(FakeTimeProvider time, Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(10);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Compaction_failing_at_any_byte_leaks_nothing_keeps_the_inputs_and_the_next_compaction_succeeds(bool deferToFlush)
    {
        using var dir = new TempDirectory();
        var fs = new FaultInjectingFileSystem(new PhysicalFileSystem()) { DeferWriteFailureToFlush = deferToFlush };
        await using (var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()], fileSystem: fs))
        {
            for (int round = 0; round < 3; round++)
            {
                await WriteRows(engine, round);
                await engine.FlushAsync();
            }
            foreach (var fault in new Action[] { () => fs.FailSync = true, () => fs.FailRename = true })
            {
                fault();
                await Assert.ThrowsAnyAsync<IOException>(() => engine.CompactAsync());
                LeakCheck.AssertNoLeaks(fs, dir.Path);
                Assert.Equal(3, engine.GetStats().Tables[0].SSTableCount);
                fs.ClearFaults();
            }
            fs.DeferWriteFailureToFlush = deferToFlush;
            // The compaction output is about one flush's size (the rounds overwrite the same rows) plus its transaction log.
            long flush = await BytesOfOneFlush();
            foreach (long budget in Budgets(flush + 200))
            {
                fs.FailWritesAfterBytes = fs.BytesWritten + budget;
                long before = fs.BytesWritten;
                var e = await Record.ExceptionAsync(() => engine.CompactAsync());
                if (e is null)
                {
                    // Enough space after all: only possible past the real size. Stop the sweep here.
                    Assert.True(fs.BytesWritten - before <= budget);
                    break;
                }
                Assert.True(e is IOException or AggregateException, $"budget {budget}: {e}");
                LeakCheck.AssertNoLeaks(fs, dir.Path);
                Assert.Equal(3, engine.GetStats().Tables[0].SSTableCount);
                AssertAllRowsReadable(engine);
            }
            fs.ClearFaults();
            if (engine.GetStats().Tables[0].SSTableCount > 1) await engine.CompactAsync();
            Assert.Equal(1, engine.GetStats().Tables[0].SSTableCount);
            AssertAllRowsReadable(engine);
            LeakCheck.AssertNoLeaks(fs, dir.Path);
        }
        await using var reopened = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        AssertAllRowsReadable(reopened);
        Assert.Equal(1, reopened.GetStats().Tables[0].SSTableCount);
    }
}

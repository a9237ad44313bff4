using RingStore.Core.Data;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;
using RingStore.Storage.Tests.IO;

namespace RingStore.Storage.Tests.SSTables;

/// <summary>
/// A writer that fails (disk full on a write, on the buffered final flush in a close, a failed fsync or rename) closes
/// every file and deletes every temp file it made, whatever throws first (issue 21 item 3).
/// </summary>
public sealed class WriterFailureCleanupTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static TestPartition[] MakePartitions(int count) =>
        TestData.SortPartitions(Enumerable.Range(0, count).Select(i => new TestPartition(BitConverter.GetBytes(i), DeletionTime.Live, [],
            Enumerable.Range(0, 10).Select(r => new Row([(byte)r], LivenessInfo.At(i), DeletionTime.Live, [Cell.Live(0, i, new byte[40])])).ToArray())));

    private static readonly SSTableWriterOptions SmallBlocks = new() { BlockSizeBytes = 4096 };

    /// <summary>Bytes one complete write of <paramref name="partitions"/> stores (measured on a scratch directory).</summary>
    private static long BytesOfOneWrite(TestPartition[] partitions)
    {
        using var scratch = new TempDirectory();
        var fs = new FaultInjectingFileSystem(PhysicalFileSystem.Instance);
        using (TestData.Write(fs, scratch.Path, 1, partitions, SmallBlocks)) { }
        return fs.BytesWritten;
    }

    /// <summary>Budgets from nothing to one byte short of a complete SSTable: data, index, summary, filter, statistics and TOC each fail somewhere.</summary>
    public static TheoryData<bool, bool> Modes() => new() { { false, true }, { false, false }, { true, false } };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Disk_full_at_any_byte_leaves_no_file_and_no_open_handle(bool deferToFlush, bool tear)
    {
        var partitions = MakePartitions(300);
        long total = BytesOfOneWrite(partitions);
        var budgets = Enumerable.Range(0, 40).Select(i => total * i / 40)
            .Concat(Enumerable.Range(1, 120).Select(i => total - i)).Distinct().Order().ToArray();
        var fs = new FaultInjectingFileSystem(PhysicalFileSystem.Instance) { DeferWriteFailureToFlush = deferToFlush, TearFailingWrite = tear };
        long generation = 1;
        foreach (long budget in budgets)
        {
            fs.FailWritesAfterBytes = fs.BytesWritten + budget;
            var e = Record.Exception(() => TestData.Write(fs, _dir.Path, generation++, partitions, SmallBlocks).Dispose());
            Assert.True(e is IOException or AggregateException, $"budget {budget} of {total}: {e}");
            Assert.Empty(Directory.GetFiles(_dir.Path));
            LeakCheck.AssertNoLeaks(fs, _dir.Path);
        }
        // Space is back: the same file system writes a complete SSTable.
        fs.ClearFaults();
        using var reader = TestData.Write(fs, _dir.Path, generation, partitions, SmallBlocks);
        Assert.Equal(300, reader.ScanAll().Count());
        Assert.Empty(fs.OpenWritableFiles);
    }

    [Fact]
    public void Dispose_whose_data_file_close_fails_still_closes_the_index_and_deletes_every_temp_file()
    {
        // The case: the data file's buffered final flush throws from its close.
        var fs = new FaultInjectingFileSystem(PhysicalFileSystem.Instance) { DeferWriteFailureToFlush = true, FailWritesAfterBytes = 0 };
        var writer = SSTableWriter.Create(fs, _dir.Path, 1, SmallBlocks);
        foreach (var p in MakePartitions(50)) writer.AppendPartition(p.Key, p.Deletion, p.RangeTombstones, p.Rows);
        Assert.Equal(2, fs.OpenWritableFiles.Count);
        Assert.NotEmpty(Directory.GetFiles(_dir.Path, "*.tmp"));

        var e = Assert.ThrowsAny<Exception>(writer.Dispose);
        // Both buffered files fail their final flush: both failures are reported.
        var failures = Assert.IsType<AggregateException>(e).InnerExceptions;
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Contains("no space left", f.Message, StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(_dir.Path));
        LeakCheck.AssertNoLeaks(fs, _dir.Path);
        writer.Dispose(); // a second dispose is a no-op
    }

    [Fact]
    public void Abort_after_a_failed_finish_reports_the_cleanup_failure_instead_of_throwing()
    {
        var fs = new FaultInjectingFileSystem(PhysicalFileSystem.Instance) { DeferWriteFailureToFlush = true };
        var writer = SSTableWriter.Create(fs, _dir.Path, 1, SmallBlocks);
        foreach (var p in MakePartitions(50)) writer.AppendPartition(p.Key, p.Deletion, p.RangeTombstones, p.Rows);
        fs.FailWritesAfterBytes = fs.BytesWritten;
        Assert.Throws<IOException>(() => writer.Finish()); // the data file's fsync cannot write its buffer
        Assert.NotNull(writer.Abort()); // the close fails the same way; reported, not thrown
        Assert.Empty(Directory.GetFiles(_dir.Path));
        LeakCheck.AssertNoLeaks(fs, _dir.Path);
        Assert.Null(writer.Abort());
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Failed_fsync_or_rename_leaves_no_file_and_no_open_handle(bool failSync, bool failRename)
    {
        var fs = new FaultInjectingFileSystem(PhysicalFileSystem.Instance) { FailSync = failSync, FailRename = failRename };
        Assert.Throws<IOException>(() => TestData.Write(fs, _dir.Path, 1, MakePartitions(20), SmallBlocks).Dispose());
        Assert.Empty(Directory.GetFiles(_dir.Path));
        LeakCheck.AssertNoLeaks(fs, _dir.Path);
    }

    [Theory]
    [InlineData(0L, false, false, false)]
    [InlineData(10L, true, false, false)]
    [InlineData(10L, false, false, false)]
    [InlineData(null, false, true, false)]
    [InlineData(null, false, false, true)]
    [InlineData(null, true, false, false)]
    public void AtomicFile_failure_keeps_the_old_file_and_deletes_the_temp_file(long? budget, bool deferToFlush, bool failSync, bool failRename)
    {
        string path = Path.Combine(_dir.Path, "state.bin");
        File.WriteAllBytes(path, [1, 2, 3]);
        var fs = new FaultInjectingFileSystem(PhysicalFileSystem.Instance)
        {
            FailWritesAfterBytes = budget, DeferWriteFailureToFlush = deferToFlush, FailSync = failSync, FailRename = failRename,
        };
        if (budget is null && deferToFlush) fs.FailWritesAfterBytes = 0;
        Assert.Throws<IOException>(() => AtomicFile.Write(fs, path, new byte[100]));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(["state.bin"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
        LeakCheck.AssertNoLeaks(fs, _dir.Path);

        fs.ClearFaults();
        AtomicFile.Write(fs, path, new byte[100]);
        Assert.Equal(100, File.ReadAllBytes(path).Length);
    }
}

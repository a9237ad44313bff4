using RingStore.Core.Reads;
using RingStore.Storage.Engine;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// An SSTable read that the disk fails (EIO) goes to the node's disk failure policy like a commit-log or flush error,
/// and the SSTable is marked unreadable (best_effort keeps serving the rest); a checksum mismatch is reported as
/// corruption, which the policy tells apart (stop_paranoid and die act on it, stop and best_effort do not).
/// </summary>
public sealed class EngineReadFailureTests
{
    private const int Partitions = 40;
    private const long Victim = 7;
    private static readonly byte[] VictimValue = Enumerable.Repeat((byte)0x77, 60).ToArray();

    private static async Task<(StorageEngine Engine, List<DiskFailure> Failures)> OpenWrittenAndFlushed(string dir, FaultInjectingFileSystem fs)
    {
        var engine = StorageEngine.Open(Options(dir), [UncompressedTimeSeries()], fileSystem: fs);
        var failures = new List<DiskFailure>();
        engine.DiskFailed += f =>
        {
            lock (failures) failures.Add(f);
        };
        for (long id = 0; id < Partitions; id++)
            for (long ck = 0; ck < 5; ck++)
                await engine.ApplyAsync(Core.Data.PartitionUpdate.OfRows(Table, Pk(id),
                    ValueRow(ck, id == Victim ? VictimValue : Enumerable.Repeat((byte)0x11, 60).ToArray(), 1)));
        await engine.FlushAsync();
        return (engine, failures);
    }

    private static IReadOnlyList<Core.Data.Row> Read(StorageEngine engine, long id) => engine.Read(SliceQuery.WholePartition(Table, Pk(id))).Rows;

    private static DiskFailure[] Snapshot(List<DiskFailure> failures)
    {
        lock (failures) return [.. failures];
    }

    [Fact]
    public async Task An_IO_error_reading_an_SSTable_is_a_disk_failure_marks_it_unreadable_and_the_rest_is_still_served()
    {
        using var dir = new TempDirectory();
        var fs = new FaultInjectingFileSystem(new PhysicalFileSystem());
        var (engine, failures) = await OpenWrittenAndFlushed(dir.Path, fs);
        await using var _ = engine;
        Assert.Empty(Snapshot(failures));

        fs.FailReadsOf = path => path.EndsWith("-Data.db", StringComparison.Ordinal);
        var e = Assert.Throws<CorruptSSTableException>(() => Read(engine, Victim));
        Assert.NotNull(e.ReadError);
        Assert.Contains("EIO", e.Message, StringComparison.Ordinal);
        var failure = Assert.Single(Snapshot(failures));
        Assert.Equal("SSTable read", failure.Where);
        Assert.Same(e.ReadError, failure.Error); // the I/O error itself, so the policy treats it as a disk failure

        // Unreadable from now on, even if the disk answers again: never "no data" for a partition it may hold.
        fs.FailReadsOf = null;
        Assert.Throws<CorruptSSTableException>(() => Read(engine, Victim));
        Assert.Throws<CorruptSSTableException>(() => engine.ReadTokenRange(Table, Core.Partitioning.Token.Minimum, Core.Partitioning.Token.Maximum));
        // What the SSTable cannot hold is still served (best_effort keeps the node up for exactly this).
        await engine.ApplyAsync(Core.Data.PartitionUpdate.OfRows(Table, Pk(1000, "elsewhere"), ValueRow(0, [1], 1)));
        Assert.Single(engine.Read(SliceQuery.WholePartition(Table, Pk(1000, "elsewhere"))).Rows);
        Assert.Single(Snapshot(failures)); // reported once per SSTable
    }

    [Fact]
    public async Task A_checksum_mismatch_is_reported_to_the_policy_as_corruption_not_as_an_IO_error()
    {
        using var dir = new TempDirectory();
        var fs = new FaultInjectingFileSystem(new PhysicalFileSystem());
        var (engine, failures) = await OpenWrittenAndFlushed(dir.Path, fs);
        await using var _ = engine;

        string data = Assert.Single(Directory.GetFiles(dir.Path, "*-Data.db", SearchOption.AllDirectories));
        int at = (await File.ReadAllBytesAsync(data)).AsSpan().IndexOf(VictimValue);
        Assert.True(at >= 0);
        fs.FlipByteOnRead(data, at + 10);

        var e = Assert.Throws<CorruptSSTableException>(() => Read(engine, Victim));
        Assert.Null(e.ReadError);
        Assert.Contains("checksum mismatch", e.Message, StringComparison.Ordinal);
        var failure = Assert.Single(Snapshot(failures));
        Assert.Equal("SSTable read", failure.Where);
        Assert.Null(Assert.IsType<CorruptSSTableException>(failure.Error).ReadError);
    }
}

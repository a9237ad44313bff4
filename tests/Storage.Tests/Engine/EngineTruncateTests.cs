using RingStore.Core.Reads;
using RingStore.Storage.CommitLog;
using RingStore.Storage.Engine;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

public class EngineTruncateTests
{
    [Fact]
    public async Task Truncate_drops_memtable_and_sstable_data_keeps_later_writes_and_stays_truncated_after_reopen()
    {
        using var dir = new TempDirectory();
        await using (var engine = StorageEngine.Open(Options(dir.Path) with { CommitLogSync = CommitLogSyncMode.Group }, [TimeSeries()]))
        {
            for (int i = 0; i < 20; i++) await engine.ApplyAsync(Write(1, i, [(byte)i], i + 1));
            await engine.FlushAsync();
            for (int i = 20; i < 30; i++) await engine.ApplyAsync(Write(1, i, [(byte)i], i + 1));
            await engine.ApplyAsync(Write(2, 0, [9], 1));
            Assert.Equal(30, engine.Read(SliceQuery.WholePartition(Table, Pk(1))).Rows.Count);

            await engine.TruncateAsync(Table);

            Assert.Empty(engine.Read(SliceQuery.WholePartition(Table, Pk(1))).Rows);
            Assert.Empty(engine.ReadTokenRange(Table, Core.Partitioning.Token.Minimum, Core.Partitioning.Token.Maximum));
            Assert.Equal(0, engine.GetStats().Tables[0].SSTableCount);
            // Timestamps lower than the truncated data's still count: truncation is not a tombstone.
            await engine.ApplyAsync(Write(1, 100, [1], 1));
            Assert.Equal([100L], engine.Read(SliceQuery.WholePartition(Table, Pk(1))).Rows.Select(CkValue));
        }
        // No flush happened since the truncate: the commit log still holds the old entries, and replay must skip them.
        await using var reopened = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        Assert.Equal([100L], reopened.Read(SliceQuery.WholePartition(Table, Pk(1))).Rows.Select(CkValue));
        Assert.Empty(reopened.Read(SliceQuery.WholePartition(Table, Pk(2))).Rows);
    }

    [Fact]
    public async Task Truncation_record_round_trips_and_a_damaged_one_is_refused()
    {
        using var dir = new TempDirectory();
        var fs = new RingStore.Storage.IO.PhysicalFileSystem();
        Assert.Equal(TruncationRecord.None, TruncationRecord.Load(fs, dir.Path));
        new TruncationRecord(12345, 7).Save(fs, dir.Path);
        Assert.Equal(new TruncationRecord(12345, 7), TruncationRecord.Load(fs, dir.Path));
        string path = Path.Combine(dir.Path, TruncationRecord.FileName);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[3] ^= 0x40;
        await File.WriteAllBytesAsync(path, bytes);
        Assert.Throws<InvalidDataException>(() => { _ = TruncationRecord.Load(fs, dir.Path); });
    }
}

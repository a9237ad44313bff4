using RingStore.Core.Reads;
using RingStore.Storage.Engine;
using RingStore.Storage.IO;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

public class EngineBackPressureTests
{
    [Fact]
    public async Task Writers_held_back_by_a_flush_backlog_resume_when_the_flush_succeeds()
    {
        using var dir = new TempDirectory();
        var fs = new FaultInjectingFileSystem(new PhysicalFileSystem()) { FailWritesAfterBytes = 0 };
        var options = Options(dir.Path) with
        {
            BackgroundCompaction = true,
            MemtableFlushThresholdBytes = 4096,
            MaxFlushingMemtablesPerTable = 1,
        };
        await using var engine = StorageEngine.Open(options, [TimeSeries()], fileSystem: fs);

        // Fill one memtable past the threshold: it is switched out, and its flush fails (disk "full").
        int written = 0;
        while (engine.GetStats().Tables[0].FlushingMemtables == 0)
            await engine.ApplyAsync(Write(1, written++, new byte[200], written));

        // The backlog is at its limit, so the next write waits for a flush instead of growing memory.
        var held = engine.ApplyAsync(Write(2, 0, new byte[200], 1)).AsTask();
        await Task.Delay(50);
        Assert.False(held.IsCompleted);

        // Space comes back: the background retry flushes, which wakes the writer.
        fs.ClearFaults();
        await held.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(written, engine.Read(SliceQuery.WholePartition(Table, Pk(1))).Rows.Count);
        Assert.Single(engine.Read(SliceQuery.WholePartition(Table, Pk(2))).Rows);
        Assert.True(engine.GetStats().Tables[0].SSTableCount >= 1);
    }
}

using RingStore.Core.Schema;
using RingStore.Storage.CommitLog;
using RingStore.Storage.Engine;
using RingStore.Storage.IO;
using static RingStore.Storage.Tests.Engine.EngineTestKit;
using static RingStore.Storage.Tests.Snapshots.SnapshotTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// DROP TABLE then CREATE TABLE with the same name: the commit log names tables by keyspace and name, so without a
/// floor the new table (a new id, a new directory) would replay the dropped table's unflushed writes after a crash and
/// bring dropped rows back.
/// </summary>
public class DropAndRecreateTests
{
    private static StorageEngineOptions CrashableOptions() => new()
    {
        DataDirectory = "/node",
        BackgroundCompaction = false,
        RunInline = true,
        CommitLogOnFileSystem = true,
        CommitLogSync = CommitLogSyncMode.Group,
        CommitLogSegmentSizeBytes = 64 * 1024,
        AutoSnapshot = false,
    };

    private static TableSchema Recreated() =>
        new("ks", "series", TimeSeries().PartitionKey, TimeSeries().Clustering, TimeSeries().Regular, id: Guid.NewGuid());

    [Fact]
    public async Task A_recreated_table_does_not_replay_the_dropped_tables_writes_after_a_crash()
    {
        var disk = new InMemoryFileSystem();
        var recreated = Recreated();
        var engine = StorageEngine.Open(CrashableOptions(), [TimeSeries()], fileSystem: disk);
        for (int i = 0; i < 10; i++) await engine.ApplyAsync(Write(1, i, [1, 2, 3], i + 1)); // synced, unflushed
        engine.DropTable(Table);
        await engine.DroppedTablesRetired;
        engine.CreateTable(recreated);
        await engine.ApplyAsync(Write(2, 100, [9], 1_000));
        Assert.Empty(LiveRows(engine, [1]));

        disk.Crash(new Random(7), tornWrites: false); // power loss: the engine is never disposed

        await using var reopened = StorageEngine.Open(CrashableOptions(), [recreated], fileSystem: disk);
        Assert.Empty(LiveRows(reopened, [1])); // the dropped rows stay dropped
        Assert.Single(LiveRows(reopened, [2])); // the new table's own write is replayed
    }

    [Fact]
    public async Task A_table_created_after_a_restart_keeps_writes_made_to_it_before_the_next_crash()
    {
        var disk = new InMemoryFileSystem();
        var engine = StorageEngine.Open(CrashableOptions(), [], fileSystem: disk);
        engine.CreateTable(TimeSeries());
        for (int i = 0; i < 5; i++) await engine.ApplyAsync(Write(3, i, [4], i + 1));
        disk.Crash(new Random(3), tornWrites: false);

        await using var reopened = StorageEngine.Open(CrashableOptions(), [TimeSeries()], fileSystem: disk);
        Assert.Equal(5, LiveRows(reopened, [3]).Count);
    }
}

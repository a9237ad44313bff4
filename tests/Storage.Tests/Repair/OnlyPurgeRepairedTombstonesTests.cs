using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Storage.Engine;
using static RingStore.Storage.Tests.Streaming.StreamTestKit;

namespace RingStore.Storage.Tests.Repair;

/// <summary>
/// only_purge_repaired_tombstones (StorageEngineOptions.RepairedBefore): past gc_grace, compaction keeps a tombstone
/// whose range was not repaired after the deletion, and purges it once a repair time after the deletion is reported.
/// </summary>
public class OnlyPurgeRepairedTombstonesTests
{
    private static async Task<bool> TombstoneSurvivesCompactionAsync(Func<int, int> repairedAt)
    {
        var time = Clock();
        using var dir = new TempDirectory();
        int deletedAt = (int)time.GetUtcNow().ToUnixTimeSeconds();
        var engine = StorageEngine.Open(new StorageEngineOptions
        {
            DataDirectory = dir.Path,
            BackgroundCompaction = false,
            RepairedBefore = (table, token) => table == Table && token == TokenOf(1) ? repairedAt(deletedAt) : int.MinValue,
        }, [Schema(gcGrace: 0)], time: time);
        try
        {
            await engine.ApplyAsync(PartitionUpdate.OfRows(Table, Pk(1), new Row(Ck(1), LivenessInfo.At(10), DeletionTime.Live, [Cell.Live(0, 10, [1])])));
            await engine.FlushAsync(Table);
            await engine.ApplyAsync(PartitionUpdate.OfRows(Table, Pk(1), new Row(Ck(1), LivenessInfo.None, new DeletionTime(20, deletedAt), [])));
            await engine.FlushAsync(Table);
            time.Advance(TimeSpan.FromSeconds(100)); // far past gc_grace (0)
            await engine.CompactAsync(Table);
            var all = engine.ReadTokenRange(Table, Token.Minimum, Token.Minimum);
            return all.SelectMany(p => p.Rows).Any(r => !r.Deletion.IsLive);
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_tombstone_in_a_never_repaired_range_is_kept_past_gc_grace()
    {
        Assert.True(await TombstoneSurvivesCompactionAsync(_ => int.MinValue));
    }

    [Fact]
    public async Task A_tombstone_repaired_before_it_was_written_is_kept_and_one_repaired_after_is_purged()
    {
        Assert.True(await TombstoneSurvivesCompactionAsync(deletedAt => deletedAt - 10));
        Assert.False(await TombstoneSurvivesCompactionAsync(deletedAt => deletedAt + 10));
    }
}

using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Storage.Engine;
using RingStore.Storage.Indexes;

namespace RingStore.Storage.Tests.Indexes;

/// <summary>Index build on existing data, stale entries, drop, and truncate.</summary>
public class IndexEngineTests
{
    private static readonly TableSchema Indexed = IndexEngineModelTests.Schema();
    private static readonly TableSchema Plain = Indexed.WithOptions(Indexed.Options with { Indexes = [] });

    private static PartitionUpdate Write(int pk, int ck, byte value, long ts) =>
        PartitionUpdate.OfRows("ks.t", IndexEngineModelTests.Pk(pk), new Row(IndexEngineModelTests.Ck(ck), LivenessInfo.At(ts), DeletionTime.Live, [Cell.Live(0, ts, [value])]));

    private static IReadOnlyList<IndexHit> Lookup(StorageEngine engine, byte value) =>
        engine.LookupIndex("ks.t", "t_v", [value], RangePosition.AfterToken(Token.Minimum), Token.Maximum, 100_000).Hits;

    [Fact]
    public async Task Creating_an_index_on_existing_data_builds_it_in_the_background_and_remembers_it_across_restarts()
    {
        using var dir = new TempDirectory();
        var options = new StorageEngineOptions { DataDirectory = dir.Path, BackgroundCompaction = false };
        await using (var engine = StorageEngine.Open(options, [Plain]))
        {
            for (int pk = 0; pk < 300; pk++)
            for (int ck = 0; ck < 3; ck++)
                await engine.ApplyAsync(Write(pk, ck, (byte)((pk + ck) % 4), 10));
            await engine.FlushAsync();
            for (int pk = 0; pk < 50; pk++) await engine.ApplyAsync(Write(pk, 0, 9, 20)); // memtable rows too, some changing value

            engine.CreateTable(Indexed);
            await engine.IndexBuildsCompleted;
            var status = Assert.Single(engine.IndexStatuses());
            Assert.True(status.Built);
            Assert.Equal(1.0, status.Progress);
            Assert.Equal(900, status.EntriesBuilt);
            Assert.Equal(50, Lookup(engine, 9).Count);
            int expected = Enumerable.Range(0, 300).SelectMany(pk => Enumerable.Range(0, 3).Select(ck => (pk, ck)))
                .Count(x => (x.pk + x.ck) % 4 == 1 && !(x.pk < 50 && x.ck == 0));
            Assert.Equal(expected, Lookup(engine, 1).Count);
        }
        await using (var reopened = StorageEngine.Open(options, [Indexed]))
        {
            await reopened.IndexBuildsCompleted;
            var status = Assert.Single(reopened.IndexStatuses());
            Assert.True(status.Built);
            Assert.Equal(0, status.EntriesBuilt); // not built again
            Assert.Equal(50, Lookup(reopened, 9).Count);
        }
    }

    [Fact]
    public async Task An_overwritten_value_leaves_a_stale_entry_that_lookups_skip()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(new StorageEngineOptions { DataDirectory = dir.Path, BackgroundCompaction = false }, [Indexed]);
        await engine.IndexBuildsCompleted;
        await engine.ApplyAsync(Write(1, 1, 1, 10));
        await engine.FlushAsync();
        await engine.ApplyAsync(Write(1, 1, 2, 20));
        await engine.CompactAsync();

        // The entry for value 1 is still in the index table (the write path does not read to remove it) ...
        var raw = engine.Read(SliceQuery.WholePartition("ks.t.t_v", [1]));
        Assert.Single(raw.Rows);
        // ... but the lookup re-checks the base row and skips it.
        Assert.Empty(Lookup(engine, 1));
        Assert.Single(Lookup(engine, 2));
    }

    [Fact]
    public async Task Dropping_the_index_removes_its_table_and_truncating_the_base_empties_it()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(new StorageEngineOptions { DataDirectory = dir.Path, BackgroundCompaction = false }, [Indexed]);
        await engine.IndexBuildsCompleted;
        await engine.ApplyAsync(Write(1, 1, 1, 10));
        await engine.FlushAsync();
        await engine.TruncateAsync("ks.t");
        Assert.Empty(engine.Read(SliceQuery.WholePartition("ks.t.t_v", [1])).Rows);

        await engine.ApplyAsync(Write(1, 1, 1, 30));
        Assert.Single(Lookup(engine, 1));
        engine.CreateTable(Plain);
        Assert.DoesNotContain(engine.Tables, t => t.FullName == "ks.t.t_v");
        Assert.Throws<InvalidRequestException>(() => Lookup(engine, 1));
    }
}

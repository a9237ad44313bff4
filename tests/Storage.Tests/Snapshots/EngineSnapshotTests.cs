using RingStore.Core.Schema;
using RingStore.Storage.Engine;
using RingStore.Storage.Snapshots;
using static RingStore.Storage.Tests.Engine.EngineTestKit;
using static RingStore.Storage.Tests.Snapshots.SnapshotTestKit;

namespace RingStore.Storage.Tests.Snapshots;

/// <summary>Snapshots: hard links of the live SSTables with a manifest and schema.cql; list, clear, restore.</summary>
public class EngineSnapshotTests
{
    private static async Task WriteRows(StorageEngine engine, long id, int from, int count)
    {
        for (int i = from; i < from + count; i++) await engine.ApplyAsync(Write(id, i, [(byte)i, 1, 2, 3], i + 1));
    }

    [Fact]
    public async Task Snapshot_hard_links_every_file_of_every_live_sstable_and_flushes_the_memtable_first()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        await WriteRows(engine, 1, 0, 30);
        await engine.FlushAsync();
        await WriteRows(engine, 2, 0, 20); // only in the memtable: the snapshot flushes it

        var taken = Assert.Single(await engine.SnapshotAsync("bk1"));

        Assert.Equal("bk1", taken.Tag);
        Assert.Equal(Table, taken.FullName);
        var manifest = taken.Manifest!;
        Assert.Equal(2, manifest.SSTables.Count);
        Assert.Null(manifest.Columns.Incompatibility(TimeSeries()));
        Assert.Equal(["id", "bucket"], manifest.Columns.PartitionKey.Select(c => c.Name));
        string tableDir = Path.GetDirectoryName(Path.GetDirectoryName(taken.Directory))!;
        Assert.Equal(SnapshotLayout.FolderName, Path.GetFileName(Path.GetDirectoryName(taken.Directory)));
        foreach (var file in manifest.SSTables.SelectMany(s => s.Files))
        {
            var live = Stat(Path.Combine(tableDir, file.Name));
            var linked = Stat(Path.Combine(taken.Directory, file.Name));
            Assert.Equal(live.Inode, linked.Inode); // the same inode: a hard link, no copy
            Assert.Equal(2, linked.Links);
            Assert.Equal(new FileInfo(Path.Combine(tableDir, file.Name)).Length, file.Bytes);
        }
        Assert.Contains(manifest.SSTables.SelectMany(s => s.Files), f => f.Name.EndsWith("-Data.db", StringComparison.Ordinal));
        Assert.Contains(manifest.SSTables.SelectMany(s => s.Files), f => f.Name.EndsWith("-TOC.txt", StringComparison.Ordinal));
        string schema = await File.ReadAllTextAsync(Path.Combine(taken.Directory, SnapshotManifest.SchemaFileName));
        Assert.StartsWith("CREATE TABLE ks.series (", schema, StringComparison.Ordinal);
        Assert.Contains("PRIMARY KEY ((id, bucket), ts)", schema, StringComparison.Ordinal);

        var expected = LiveRows(engine, [1, 2]);
        Assert.Equal(50, expected.Count);
        Assert.Equal(expected, SnapshotRows(taken.Directory));
    }

    [Fact]
    public async Task Snapshot_taken_while_compactions_replace_the_sstables_holds_every_row()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries(new TableOptions { CompactionMinThreshold = 2 })]);
        for (int round = 0; round < 12; round++)
        {
            await WriteRows(engine, round % 3, round * 40, 40);
            await engine.FlushAsync();
        }
        var before = LiveRows(engine, [0, 1, 2]);
        Assert.Equal(480, before.Count);

        // Compactions and new flushes keep replacing the SSTable set while snapshots are taken; every snapshot must
        // still hold every row written before it started (no SSTable deleted between listing and linking).
        using var stop = new CancellationTokenSource();
        var churn = Task.Run(async () =>
        {
            int n = 0;
            while (!stop.IsCancellationRequested)
            {
                await WriteRows(engine, 5, 10_000 + n * 10, 10);
                await engine.FlushAsync();
                await engine.CompactAsync();
                n++;
            }
        });
        var snapshots = new List<SnapshotInfo>();
        for (int i = 0; i < 15; i++) snapshots.AddRange(await engine.SnapshotAsync($"during-{i}"));
        await stop.CancelAsync();
        await churn;

        Assert.True(engine.MetricsOf(Table).Compactions > 0);
        foreach (var s in snapshots)
        {
            var rows = SnapshotRows(s.Directory);
            Assert.True(before.IsSubsetOf(rows), $"snapshot {s.Tag} misses {before.Except(rows).Count()} rows");
        }
    }

    [Fact]
    public async Task Snapshots_are_listed_with_their_sizes_and_cleared_by_tag_or_all_without_touching_the_table()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        await WriteRows(engine, 1, 0, 20);
        await engine.SnapshotAsync("a");
        await WriteRows(engine, 1, 20, 20);
        await engine.SnapshotAsync("b");

        var listed = engine.ListSnapshots();
        Assert.Equal(["a", "b"], listed.Select(s => s.Tag));
        Assert.All(listed, s => Assert.True(s.Bytes > 0 && s.Manifest is not null && s.TableIsLive));
        Assert.All(listed, s => Assert.True(s.TrueBytes < s.Bytes)); // the SSTables are still live: only manifest and schema are its own
        Assert.Equal(["b"], engine.ListSnapshots(tag: "b").Select(s => s.Tag));
        Assert.Empty(engine.ListSnapshots(keyspace: "other"));

        // Compaction retires the live SSTables: the snapshot keeps them, now its own bytes.
        await engine.CompactAsync();
        var afterCompaction = engine.ListSnapshots(tag: "a").Single();
        Assert.True(afterCompaction.TrueBytes >= afterCompaction.Manifest!.Bytes);
        Assert.Equal(20, SnapshotRows(afterCompaction.Directory).Count);

        Assert.Equal(["a"], engine.ClearSnapshots(tag: "a").Select(s => s.Tag));
        Assert.Equal(["b"], engine.ListSnapshots().Select(s => s.Tag));
        Assert.False(Directory.Exists(afterCompaction.Directory));
        Assert.Single(engine.ClearSnapshots());
        Assert.Empty(engine.ListSnapshots());
        Assert.Equal(40, LiveRows(engine, [1]).Count);
    }

    [Fact]
    public async Task A_tag_is_refused_when_taken_or_not_a_safe_name()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        await engine.SnapshotAsync("x");
        await Assert.ThrowsAsync<SnapshotExistsException>(() => engine.SnapshotAsync("x"));
        foreach (string bad in new[] { "", "..", "a/b", "a b", "tag\\x", new string('t', 201) })
            await Assert.ThrowsAsync<ArgumentException>(() => engine.SnapshotAsync(bad));
        Assert.Single(engine.ListSnapshots());
    }

    [Fact]
    public async Task Truncate_takes_an_automatic_snapshot_that_restores_the_rows()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        await WriteRows(engine, 1, 0, 25);
        await engine.FlushAsync();
        await WriteRows(engine, 2, 0, 5);

        await engine.TruncateAsync(Table);

        Assert.Empty(LiveRows(engine, [1, 2]));
        var auto = Assert.Single(engine.ListSnapshots());
        Assert.Matches("^truncated-[0-9]+-series$", auto.Tag);
        var result = await engine.RestoreSnapshotAsync(auto, Table);
        Assert.Equal(2, result.SSTables);
        Assert.Equal(30, LiveRows(engine, [1, 2]).Count);
    }

    [Fact]
    public async Task Auto_snapshot_off_truncates_without_a_snapshot()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path) with { AutoSnapshot = false }, [TimeSeries()]);
        await WriteRows(engine, 1, 0, 5);
        await engine.TruncateAsync(Table);
        engine.DropTable(Table);
        Assert.Empty(engine.ListSnapshots());
    }

    [Fact]
    public async Task Drop_takes_an_automatic_snapshot_that_restores_into_the_recreated_table_and_survives_a_restart()
    {
        using var dir = new TempDirectory();
        SnapshotInfo dropped;
        var recreated = new TableSchema("ks", "series", TimeSeries().PartitionKey, TimeSeries().Clustering, TimeSeries().Regular, id: Guid.NewGuid());
        await using (var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]))
        {
            await WriteRows(engine, 1, 0, 10);
            await engine.FlushAsync();
            await WriteRows(engine, 1, 10, 10); // unflushed: the drop's snapshot flushes it

            engine.DropTable(Table);

            dropped = Assert.Single(engine.ListSnapshots());
            Assert.Matches("^dropped-[0-9]+-series$", dropped.Tag);
            Assert.False(dropped.TableIsLive);
            Assert.Equal(dropped.Bytes, dropped.TrueBytes); // the live files are gone: everything is the snapshot's own
            Assert.Equal(20, SnapshotRows(dropped.Directory).Count);

            engine.CreateTable(recreated);
            Assert.Empty(LiveRows(engine, [1]));
            var restored = await engine.RestoreSnapshotAsync(dropped, Table);
            Assert.Equal(20, restored.Partitions > 0 ? LiveRows(engine, [1]).Count : 0);
        }
        await using var reopened = StorageEngine.Open(Options(dir.Path), [recreated]);
        Assert.Equal(20, LiveRows(reopened, [1]).Count);
        Assert.Single(reopened.ListSnapshots()); // the restore linked, the snapshot is still there
    }

    [Fact]
    public async Task Restore_refuses_a_table_with_other_columns_before_linking_anything()
    {
        using var dir = new TempDirectory();
        var other = new TableSchema("ks", "other", [new ColumnDefinition("id", ColumnType.Text)], [], [new ColumnDefinition("v", ColumnType.Int)]);
        await using var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries(), other]);
        await WriteRows(engine, 1, 0, 3);
        var snapshot = Assert.Single(await engine.SnapshotAsync("s", [Table]));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RestoreSnapshotAsync(snapshot, "ks.other"));
        Assert.Contains("partition key", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, engine.GetStats().Tables.Single(t => t.Table == "ks.other").SSTableCount);
    }

    [Fact]
    public async Task Restore_of_a_damaged_snapshot_fails_and_leaves_no_files_in_the_table()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path) with { AutoSnapshot = false }, [TimeSeries()]);
        await WriteRows(engine, 1, 0, 50);
        var good = Assert.Single(await engine.SnapshotAsync("good"));
        string tableDir = Path.GetDirectoryName(Path.GetDirectoryName(good.Directory))!;
        string data = Directory.GetFiles(good.Directory, "*-Data.db").Single();
        var bytes = await File.ReadAllBytesAsync(data);
        await engine.TruncateAsync(Table);
        int filesBefore = Directory.GetFiles(tableDir).Length;

        // A flipped byte is caught by the block checksums before the TOC is written; a torn copy by the size check
        // before anything is linked. Both leave the table folder as it was.
        File.Delete(data); // a new inode: the write below must not reach other links
        bytes[^10] ^= 0x55;
        await File.WriteAllBytesAsync(data, bytes);
        await Assert.ThrowsAnyAsync<Exception>(() => engine.RestoreSnapshotAsync(good, Table));
        Assert.Equal(filesBefore, Directory.GetFiles(tableDir).Length);
        await File.WriteAllBytesAsync(data, bytes[..^1]);
        await Assert.ThrowsAsync<InvalidDataException>(() => engine.RestoreSnapshotAsync(good, Table));
        Assert.Equal(filesBefore, Directory.GetFiles(tableDir).Length);
        Assert.Empty(LiveRows(engine, [1]));
    }

    [Fact]
    public async Task Snapshots_work_on_the_in_memory_file_system()
    {
        var fs = new RingStore.Storage.IO.InMemoryFileSystem();
        await using var engine = StorageEngine.Open(Options("/mem"), [TimeSeries()], fileSystem: fs);
        await WriteRows(engine, 1, 0, 10);
        var taken = Assert.Single(await engine.SnapshotAsync("m"));
        await engine.TruncateAsync(Table);
        Assert.Equal(2, engine.ListSnapshots().Count);
        await engine.RestoreSnapshotAsync(taken, Table);
        Assert.Equal(10, LiveRows(engine, [1]).Count);
        Assert.Equal(2, engine.ClearSnapshots().Count);
        Assert.Empty(engine.ListSnapshots());
    }
}

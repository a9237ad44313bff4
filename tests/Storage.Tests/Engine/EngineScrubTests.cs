using System.Text;
using CsCheck;
using RingStore.Storage.Compaction;
using RingStore.Storage.Engine;
using RingStore.Storage.SSTables;
using static RingStore.Storage.Tests.Engine.EngineTestKit;
using static RingStore.Storage.Tests.Engine.ScrubTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// <see cref="StorageEngine.ScrubAsync"/> (nodetool scrub): an SSTable with a bad block is rewritten from what can be
/// read; every partition outside the damage reads back exactly, the lost ones are reported by key, the table reads
/// without error again, verify is clean, and a restart sees the scrubbed set.
/// </summary>
public sealed class EngineScrubTests
{
    private static string TableDir(string root) => Path.GetDirectoryName(SSTableFile(root, "Data"))!;

    private static long[] Generations(string tableDir) =>
        [.. Directory.GetFiles(tableDir, "rs-*-TOC.txt").Select(f => long.Parse(Path.GetFileName(f).Split('-')[1], System.Globalization.CultureInfo.InvariantCulture)).Order()];

    [Fact]
    public async Task Scrub_keeps_every_partition_outside_a_damaged_data_block_reports_the_lost_ones_and_survives_a_restart()
    {
        using var dir = new TempDirectory();
        const long victim = 150;
        ScrubTestKit.Model model;
        HashSet<long> lost;
        await using (var engine = StorageEngine.Open(Options(dir.Path), [UncompressedTimeSeries()]))
        {
            model = await WriteAndFlush(engine, 300, _ => 4, 60);
            FlipInside(SSTableFile(dir.Path, "Data"), Value(victim, 2, 60));
            Assert.Throws<CorruptSSTableException>(() => ReadAll(engine, victim)); // marked unreadable
            Assert.Throws<CorruptSSTableException>(() => ReadAll(engine, 0));

            var result = Assert.Single(await engine.ScrubAsync(Table));
            Assert.Equal(1, result.SSTablesChecked);
            Assert.Equal(1, result.SSTablesScrubbed);
            Assert.Equal(1, result.DataBlocksBad);
            Assert.Equal(0, result.IndexBlocksBad);
            Assert.True(result.LostData);
            lost = CheckAgainstModel(engine, model, result);
            Assert.Contains(victim, lost);
            // One 4 KiB block holds about ten of these partitions (4 rows of ~80 bytes).
            Assert.InRange(lost.Count, 1, 15);
            Assert.True((await engine.VerifyAsync(Table)).Ok);
            Assert.Equal(1, engine.GetStats().Tables[0].SSTableCount);
        }

        await using var reopened = StorageEngine.Open(Options(dir.Path), [UncompressedTimeSeries()]);
        Assert.True((await reopened.VerifyAsync(Table)).Ok);
        Assert.Equal(1, reopened.GetStats().Tables[0].SSTableCount);
        foreach (var (id, rows) in model.Partitions)
            if (!lost.Contains(id)) Assert.Equal(rows.Count, ReadAll(reopened, id).Count);
        Assert.Empty(Directory.GetFiles(TableDir(dir.Path), "compaction-*"));
    }

    [Fact]
    public async Task A_bad_block_inside_a_large_partition_costs_only_the_rows_near_it()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path), [UncompressedTimeSeries()]);
        // Partition 2 has 3000 rows (~250 KiB, a row-index stretch every 4 KiB); the others two rows each.
        var model = await WriteAndFlush(engine, 5, id => id == 2 ? 3000 : 2, 60);
        FlipInside(SSTableFile(dir.Path, "Data"), Value(2, 1500, 60));

        var result = Assert.Single(await engine.ScrubAsync(Table));
        var lost = CheckAgainstModel(engine, model, result);
        Assert.Equal([2L], lost);
        Assert.Equal(1, result.PartitionsDamaged);
        Assert.Equal(0, result.PartitionsDropped);
        var rows = ReadAll(engine, 2).Select(CkValue).ToArray();
        // Reading resumed at the next row-index stretch: the rows after the bad block are kept.
        Assert.Equal(2999, rows[^1]);
        Assert.InRange(result.RowsDropped, 1, 120);
        Assert.True((await engine.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task A_damaged_index_block_loses_nothing_the_data_is_scanned_sequentially_past_it()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path), [UncompressedTimeSeries()]);
        var model = await WriteAndFlush(engine, 300, _ => 3, 40);
        FlipInside(SSTableFile(dir.Path, "Index"), Encoding.UTF8.GetBytes(Bucket(120)));

        var result = Assert.Single(await engine.ScrubAsync(Table));
        Assert.Equal(1, result.IndexBlocksBad);
        Assert.Equal(0, result.DataBlocksBad);
        Assert.False(result.LostData, $"{result}");
        Assert.Empty(CheckAgainstModel(engine, model, result));
        Assert.True((await engine.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task Scrub_rewrites_only_damaged_sstables_unless_asked_for_all_and_a_healthy_rewrite_keeps_everything()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path), [UncompressedTimeSeries()]);
        var model = await WriteAndFlush(engine, 50, _ => 3, 30);
        var before = Generations(TableDir(dir.Path));

        var untouched = Assert.Single(await engine.ScrubAsync(Table));
        Assert.Equal((1, 0), (untouched.SSTablesChecked, untouched.SSTablesScrubbed));
        Assert.Equal(before, Generations(TableDir(dir.Path)));

        var all = Assert.Single(await engine.ScrubAsync(Table, all: true));
        Assert.Equal(1, all.SSTablesScrubbed);
        Assert.False(all.LostData);
        Assert.Empty(CheckAgainstModel(engine, model, all));
        Assert.NotEqual(before, Generations(TableDir(dir.Path)));
    }

    [Fact]
    public async Task A_crash_after_the_transaction_log_retires_the_damaged_sstable_at_restart()
    {
        using var dir = new TempDirectory();
        string node = Path.Combine(dir.Path, "node"), saved = Path.Combine(dir.Path, "saved");
        Directory.CreateDirectory(saved);
        ScrubTestKit.Model model;
        HashSet<long> lost;
        string tableDir;
        long oldGeneration, newGeneration;
        await using (var engine = StorageEngine.Open(Options(node), [UncompressedTimeSeries()]))
        {
            model = await WriteAndFlush(engine, 200, _ => 4, 60);
            FlipInside(SSTableFile(node, "Data"), Value(77, 1, 60));
            tableDir = TableDir(node);
            oldGeneration = Assert.Single(Generations(tableDir));
            foreach (var f in Directory.GetFiles(tableDir, "rs-*")) File.Copy(f, Path.Combine(saved, Path.GetFileName(f)));
            var result = Assert.Single(await engine.ScrubAsync(Table));
            lost = CheckAgainstModel(engine, model, result);
            newGeneration = Assert.Single(Generations(tableDir));
        }

        // The disk as a crash after the swap and before the old files' deletion leaves it: both SSTables and the log.
        foreach (var f in Directory.GetFiles(saved)) File.Copy(f, Path.Combine(tableDir, Path.GetFileName(f)));
        CompactionTransactionLog.Begin(new RingStore.Storage.IO.PhysicalFileSystem(), tableDir, newGeneration, [oldGeneration]);
        await using var reopened = StorageEngine.Open(Options(node), [UncompressedTimeSeries()]);
        Assert.Equal([newGeneration], Generations(tableDir));
        Assert.True((await reopened.VerifyAsync()).Ok);
        foreach (var id in model.Partitions.Keys) ReadAll(reopened, id); // no read fails
        foreach (var id in model.Partitions.Keys.Except(lost)) Assert.Equal(model.Partitions[id].Count, ReadAll(reopened, id).Count);
    }

    [Fact]
    public async Task A_crash_before_the_transaction_log_leaves_both_sstables_and_a_second_scrub_finishes_the_job()
    {
        using var dir = new TempDirectory();
        string node = Path.Combine(dir.Path, "node"), saved = Path.Combine(dir.Path, "saved");
        Directory.CreateDirectory(saved);
        ScrubTestKit.Model model;
        string tableDir;
        await using (var engine = StorageEngine.Open(Options(node), [UncompressedTimeSeries()]))
        {
            model = await WriteAndFlush(engine, 200, _ => 4, 60);
            FlipInside(SSTableFile(node, "Data"), Value(77, 1, 60));
            tableDir = TableDir(node);
            foreach (var f in Directory.GetFiles(tableDir, "rs-*")) File.Copy(f, Path.Combine(saved, Path.GetFileName(f)));
            await engine.ScrubAsync(Table);
        }
        // Output complete, no log yet: the damaged original is back next to it.
        foreach (var f in Directory.GetFiles(saved)) File.Copy(f, Path.Combine(tableDir, Path.GetFileName(f)));
        await using var reopened = StorageEngine.Open(Options(node), [UncompressedTimeSeries()]);
        Assert.Equal(2, Generations(tableDir).Length);
        Assert.False((await reopened.VerifyAsync()).Ok);

        var again = Assert.Single(await reopened.ScrubAsync(Table));
        Assert.Equal(1, again.SSTablesScrubbed); // only the damaged one
        Assert.Contains(Key(77), again.LostKeys, new ByteArrayEquality());
        Assert.True((await reopened.VerifyAsync()).Ok);
        var lost = again.LostKeys.Select(Convert.ToHexString).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, rows) in model.Partitions)
            if (!lost.Contains(Convert.ToHexString(Key(id)))) Assert.Equal(rows.Count, ReadAll(reopened, id).Count);
    }

    /// <summary>
    /// Random tables, one random byte flipped anywhere past the file header of Data or Index: the scrub never fails,
    /// every partition it does not report reads back exactly, the table reads without error and verifies clean after,
    /// and damage to the Index alone loses nothing.
    /// </summary>
    [Fact]
    public void Property_any_single_flipped_byte_is_scrubbed_away_without_losing_unreported_data()
    {
        Gen.Select(Gen.Int[1, 120], Gen.Int[1, 40], Gen.Int[1, 200], Gen.Bool, Gen.Double[0, 1]).Sample((partitions, maxRows, valueSize, index, where) =>
        {
            using var dir = new TempDirectory();
            var engine = StorageEngine.Open(Options(dir.Path), [UncompressedTimeSeries()]);
            try
            {
                var model = WriteAndFlush(engine, partitions, id => 1 + (int)((id * 7919) % maxRows), valueSize).GetAwaiter().GetResult();
                string file = SSTableFile(dir.Path, index ? "Index" : "Data");
                long length = new FileInfo(file).Length;
                Flip(file, 16 + (long)(where * (length - 17)));

                var result = Assert.Single(engine.ScrubAsync(Table).GetAwaiter().GetResult());
                var lost = CheckAgainstModel(engine, model, result);
                if (index) Assert.Empty(lost);
                Assert.True(engine.VerifyAsync().GetAwaiter().GetResult().Ok);
                Assert.Equal(model.Partitions.Count - result.PartitionsDropped, (long)model.Partitions.Keys.Count(id => ReadAll(engine, id).Count > 0));
            }
            finally
            {
                engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }, iter: 40, threads: 1);
    }

    private sealed class ByteArrayEquality : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }
}

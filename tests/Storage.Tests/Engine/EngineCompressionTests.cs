using System.Buffers.Binary;
using System.Text;
using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Storage.Engine;
using RingStore.Storage.Tests.SSTables;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// The table's compression option reaches the SSTables the engine writes (flush, compaction, scrub), a changed option
/// applies to the SSTables written after it, old-format SSTables are read and compacted into the compressed format,
/// and verify and scrub work on compressed SSTables.
/// </summary>
public sealed class EngineCompressionTests
{
    private static TableOptions With(CompressionOptions compression) => new() { Compression = compression };

    private static readonly CompressionOptions Zstd = new() { Algorithm = CompressionAlgorithm.Zstd, ChunkLengthKb = 4 };

    /// <summary>(generation, Data format version, codec id) of every Data file under the data directory.</summary>
    private static List<(long Generation, int Version, uint Codec)> DataFiles(string root) =>
        Directory.GetFiles(root, "rs-*-Data.db", SearchOption.AllDirectories).Select(path =>
        {
            var header = new byte[16];
            using (var f = File.OpenRead(path)) f.ReadExactly(header);
            long generation = long.Parse(Path.GetFileName(path).Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);
            return (generation, (int)BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(4)), BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12)));
        }).OrderBy(f => f.generation).ToList();

    private static byte[] Reading(long id, long ts) => Encoding.UTF8.GetBytes($"sensor {id} reading {ts % 17}.{ts % 10} C status=ok");

    private static async Task WriteBatch(StorageEngine engine, int idFrom, int ids, int rows)
    {
        for (long id = idFrom; id < idFrom + ids; id++)
        for (long ts = 0; ts < rows; ts++)
            await engine.ApplyAsync(Write(id, ts, Reading(id, ts), 1_000 + ts));
        await engine.FlushAsync();
    }

    private static void AssertBatch(StorageEngine engine, int idFrom, int ids, int rows)
    {
        for (long id = idFrom; id < idFrom + ids; id++)
        {
            var read = engine.Read(SliceQuery.WholePartition(Table, Pk(id))).Rows;
            Assert.Equal(rows, read.Count);
            for (int i = 0; i < rows; i++) Assert.Equal(Reading(id, i), read[i].Cells[0].Value);
        }
    }

    [Fact]
    public async Task A_changed_compression_option_applies_to_the_sstables_written_after_it()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        await WriteBatch(engine, 0, 10, 200);                     // the default: LZ4
        engine.CreateTable(TimeSeries(With(Zstd)));                // ALTER TABLE ... WITH compression = {'class': 'ZstdCompressor'}
        await WriteBatch(engine, 10, 10, 200);
        engine.CreateTable(TimeSeries(With(CompressionOptions.Disabled)));
        await WriteBatch(engine, 20, 10, 200);

        Assert.Equal(new[] { (1L, 2, 1u), (2L, 2, 2u), (3L, 1, 0u) }, DataFiles(dir.Path));
        AssertBatch(engine, 0, 30, 200);
        Assert.True((await engine.VerifyAsync(Table)).Ok);

        engine.CreateTable(TimeSeries(With(Zstd)));
        await engine.CompactAsync(Table);                          // the compaction output takes the option of now
        var compacted = Assert.Single(DataFiles(dir.Path));
        Assert.Equal((2, 2u), (compacted.Version, compacted.Codec));
        AssertBatch(engine, 0, 30, 200);
    }

    [Fact]
    public async Task Verify_and_scrub_work_on_compressed_sstables()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        await WriteBatch(engine, 0, 20, 300);
        Assert.True((await engine.VerifyAsync(Table)).Ok);

        // Damage one compressed chunk in the middle of the file.
        string data = Directory.GetFiles(dir.Path, "rs-*-Data.db", SearchOption.AllDirectories).Single();
        long length = new FileInfo(data).Length;
        ScrubTestKit.Flip(data, length / 2);
        var report = await engine.VerifyAsync(Table);
        var finding = Assert.Single(report.Findings);
        Assert.Equal(RingStore.Storage.SSTables.SSTableComponent.Data, finding.Component);

        var result = Assert.Single(await engine.ScrubAsync(Table));
        Assert.Equal(1, result.SSTablesScrubbed);
        Assert.Equal(1, result.DataBlocksBad);
        Assert.True(result.PartitionsKept >= 18, $"{result.PartitionsKept} partitions kept");
        Assert.True((await engine.VerifyAsync(Table)).Ok);
        var rewritten = Assert.Single(DataFiles(dir.Path));
        Assert.Equal((2, 1u), (rewritten.Version, rewritten.Codec)); // scrub writes with the table's compression
        int intact = 0;
        for (long id = 0; id < 20; id++)
            if (engine.Read(SliceQuery.WholePartition(Table, Pk(id))).Rows.Count == 300) intact++;
        Assert.True(intact >= 18, $"{intact} partitions intact");
    }

    [Fact]
    public async Task An_sstable_of_the_previous_format_is_read_and_compacted_into_the_compressed_format()
    {
        using var dir = new TempDirectory();
        var schema = new TableSchema("ks", "legacy",
            [new ColumnDefinition("sensor", ColumnType.Text)],
            [new ClusteringColumn("seq", ColumnType.Blob, ClusteringOrder.Asc)],
            [new ColumnDefinition("reading", ColumnType.Text), new ColumnDefinition("raw", ColumnType.Blob), new ColumnDefinition("note", ColumnType.Text)],
            new TableOptions(), Guid.Parse("00000000-0000-0000-0000-0000000000bb"));
        string tableDir = Path.Combine(dir.Path, "data", "ks", $"legacy-{schema.Id:N}");
        Directory.CreateDirectory(tableDir);
        foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "sstable-format-v1"), "rs-*"))
            File.Copy(file, Path.Combine(tableDir, Path.GetFileName(file)));

        await using var engine = StorageEngine.Open(Options(dir.Path), [schema]);
        var keys = LegacySSTableData.Partitions().Select(p => p.Key).ToList();
        List<string> ReadAll() => keys.Select(k => string.Join("|", engine.Read(SliceQuery.WholePartition("ks.legacy", k)).Rows
            .Select(r => Convert.ToHexString(r.Clustering) + ":" + string.Join(",", r.Cells.Select(c => Convert.ToHexString(c.Value ?? [])))))).ToList();
        var before = ReadAll();
        Assert.Contains(before, rows => rows.Length > 1000); // the wide partition is there
        Assert.Equal(new[] { (1L, 1, 0u) }, DataFiles(dir.Path));

        int rowsBefore = engine.Read(SliceQuery.WholePartition("ks.legacy", keys[0])).Rows.Count;
        await engine.ApplyAsync(PartitionUpdate.OfRows("ks.legacy", keys[0],
            new Row(RingStore.Core.Values.ClusteringKeyCodec.Encode(schema.Clustering, [new byte[] { 9, 9 }]), LivenessInfo.At(5_000_000), DeletionTime.Live, [Cell.Live(0, 5_000_000, "new"u8.ToArray())])));
        await engine.FlushAsync();
        await engine.CompactAsync("ks.legacy");
        var compacted = Assert.Single(DataFiles(dir.Path));
        Assert.Equal((2, 1u), (compacted.Version, compacted.Codec)); // LZ4, the table's default
        var after = ReadAll();
        Assert.Equal(before.Skip(1), after.Skip(1));
        Assert.Contains(Convert.ToHexString("new"u8), after[0], StringComparison.Ordinal);
        Assert.Equal(rowsBefore + 1, engine.Read(SliceQuery.WholePartition("ks.legacy", keys[0])).Rows.Count);
        Assert.True((await engine.VerifyAsync("ks.legacy")).Ok);
    }
}

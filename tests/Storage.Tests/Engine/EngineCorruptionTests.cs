using System.Text;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;
using RingStore.Storage.SSTables;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// Bytes that change in a memory-mapped SSTable after a block was read once (a failing disk, a stray write): the map
/// shares the page cache, so the reader sees them. They must never come back as data: the read fails, the SSTable is
/// marked unreadable, and later reads that may concern it fail too instead of answering "no data".
/// </summary>
public sealed class EngineCorruptionTests
{
    private const int Partitions = 40;
    private const long Victim = 7;
    private const byte VictimByte = 0x77;
    private static readonly byte[] VictimValue = Enumerable.Repeat(VictimByte, 60).ToArray();
    private static string Bucket(long id) => $"bucket-{id:D4}-distinctive";

    private static async Task<StorageEngine> WriteFlushAndReadOnce(string dir)
    {
        var engine = StorageEngine.Open(Options(dir), [UncompressedTimeSeries()]);
        for (long id = 0; id < Partitions; id++)
            for (long ck = 0; ck < 5; ck++)
                await engine.ApplyAsync(Core.Data.PartitionUpdate.OfRows(Table, Pk(id, Bucket(id)),
                    ValueRow(ck, id == Victim ? VictimValue : Enumerable.Repeat((byte)0x11, 60).ToArray(), 1)));
        await engine.FlushAsync();
        // Every partition read once: with first-use-only verification, every block would now count as verified.
        for (long id = 0; id < Partitions; id++) Assert.Equal(5, ReadVictim(engine, id).Count);
        Assert.All(ReadVictim(engine, Victim), r => Assert.Equal(VictimValue, r.Cells[0].Value));
        return engine;
    }

    private static IReadOnlyList<Core.Data.Row> ReadVictim(StorageEngine engine, long id) =>
        engine.Read(SliceQuery.WholePartition(Table, Pk(id, Bucket(id)))).Rows;

    private static string SSTableFile(string dir, string component) =>
        Assert.Single(Directory.GetFiles(dir, $"*-{component}.db", SearchOption.AllDirectories));

    /// <summary>Flips one byte in the middle of the first occurrence of <paramref name="pattern"/>; returns its file offset.</summary>
    private static long FlipInside(string path, byte[] pattern)
    {
        var bytes = File.ReadAllBytes(path);
        int at = bytes.AsSpan().IndexOf(pattern);
        Assert.True(at >= 0, $"pattern not found in {path}");
        long offset = at + (pattern.Length / 2);
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        f.Position = offset;
        f.WriteByte((byte)(bytes[offset] + 1)); // sorts higher, as in the incident
        f.Flush(flushToDisk: false);
        return offset;
    }

    [Fact]
    public async Task A_data_block_corrupted_after_its_first_read_fails_every_later_read_and_is_never_returned()
    {
        using var dir = new TempDirectory();
        await using var engine = await WriteFlushAndReadOnce(dir.Path);
        string data = SSTableFile(dir.Path, "Data");
        FlipInside(data, VictimValue);

        var e = Assert.Throws<CorruptSSTableException>(() => ReadVictim(engine, Victim));
        Assert.Equal(data, e.File);
        Assert.Contains("checksum mismatch", e.Message, StringComparison.Ordinal);
        // Marked unreadable: the same read, the replica-side read and reads of other partitions it may hold all fail
        // (an empty answer could be taken as the newest by a QUORUM read).
        Assert.Throws<CorruptSSTableException>(() => ReadVictim(engine, Victim));
        Assert.Throws<CorruptSSTableException>(() => engine.ReadUnfiltered(SliceQuery.WholePartition(Table, Pk(Victim, Bucket(Victim)))));
        Assert.Throws<CorruptSSTableException>(() => ReadVictim(engine, Victim + 1));
        Assert.Throws<CorruptSSTableException>(() => engine.ReadTokenRange(Table, Core.Partitioning.Token.Minimum, Core.Partitioning.Token.Maximum));
        // A partition the SSTable cannot hold (bloom filter) is still answered from the other sources.
        await engine.ApplyAsync(Core.Data.PartitionUpdate.OfRows(Table, Pk(1000, "elsewhere"), ValueRow(0, [1], 1)));
        Assert.Single(engine.Read(SliceQuery.WholePartition(Table, Pk(1000, "elsewhere"))).Rows);

        var report = await engine.VerifyAsync(Table);
        Assert.Equal(1, report.SSTablesChecked);
        var finding = Assert.Single(report.Findings);
        Assert.Equal(data, finding.File);
        Assert.Equal(SSTableComponent.Data, finding.Component);
        Assert.NotNull(finding.Block);
    }

    [Fact]
    public async Task An_index_block_corrupted_after_its_first_read_fails_the_read_instead_of_answering_no_data()
    {
        using var dir = new TempDirectory();
        await using var engine = await WriteFlushAndReadOnce(dir.Path);
        string index = SSTableFile(dir.Path, "Index");
        FlipInside(index, Encoding.UTF8.GetBytes(Bucket(Victim)));

        // Unverified, the flipped key would not match: the partition would silently read as absent.
        var e = Assert.Throws<CorruptSSTableException>(() => ReadVictim(engine, Victim));
        Assert.Equal(index, e.File);
        Assert.Throws<CorruptSSTableException>(() => ReadVictim(engine, Victim));

        var finding = Assert.Single((await engine.VerifyAsync()).Findings);
        Assert.Equal(SSTableComponent.Index, finding.Component);
        Assert.Equal(index, finding.File);
    }

    [Fact]
    public async Task Verify_of_healthy_sstables_finds_nothing_and_a_damaged_small_component_on_disk_is_reported()
    {
        using var dir = new TempDirectory();
        await using var engine = await WriteFlushAndReadOnce(dir.Path);
        var clean = await engine.VerifyAsync();
        Assert.True(clean.Ok);
        Assert.Equal(1, clean.SSTablesChecked);

        string filter = SSTableFile(dir.Path, "Filter");
        var bytes = await File.ReadAllBytesAsync(filter);
        bytes[20] ^= 0x10;
        await File.WriteAllBytesAsync(filter, bytes);
        var finding = Assert.Single((await engine.VerifyAsync()).Findings);
        Assert.Equal(SSTableComponent.Filter, finding.Component);
        Assert.Null(finding.Block);
        // The filter in memory was verified at open: reads go on.
        Assert.Equal(5, ReadVictim(engine, Victim).Count);
    }
}

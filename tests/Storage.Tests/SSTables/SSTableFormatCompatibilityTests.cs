using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Tests.SSTables;

/// <summary>
/// SSTables written before compression existed (TestData/sstable-format-v1, committed bytes of the old code) still
/// open and read with this code, and rewriting them (what compaction does) gives the current compressed format.
/// </summary>
public sealed class SSTableFormatCompatibilityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string CopyOfLegacyTable()
    {
        string source = Path.Combine(AppContext.BaseDirectory, "TestData", "sstable-format-v1");
        Assert.True(Directory.Exists(source), $"test data missing: {source}");
        foreach (string file in Directory.GetFiles(source, "rs-*"))
            File.Copy(file, Path.Combine(_dir.Path, Path.GetFileName(file)));
        return _dir.Path;
    }

    [Fact]
    public void A_format_1_sstable_reads_back_every_partition_slice_and_point_read()
    {
        string dir = CopyOfLegacyTable();
        var expected = LegacySSTableData.Partitions();
        using var reader = SSTableReader.Open(PhysicalFileSystem.Instance, dir, LegacySSTableData.Generation);
        Assert.Equal(1, reader.DataFormatVersion);
        Assert.Null(reader.Compression);
        Assert.Empty(reader.Verify());
        Assert.Equal(expected.Length, reader.Statistics.PartitionCount);

        var scanned = reader.ScanAll().ToList();
        Assert.Equal(expected.Length, scanned.Count);
        for (int i = 0; i < expected.Length; i++) TestData.AssertPartitionEqual(expected[i], scanned[i]);

        foreach (var p in expected)
        {
            TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, ClusteringSlice.All)!);
            TestData.AssertRowsEqual(p.Rows.Reverse().ToList(), reader.ReadPartition(p.Key, ClusteringSlice.All, reversed: true)!.Rows.ToList());
            if (p.Rows.Length < 3) continue;
            // A slice in the middle (the wide partition's goes through its row index).
            var slice = new ClusteringSlice(new ClusteringBound(p.Rows[1].Clustering, true), new ClusteringBound(p.Rows[^2].Clustering, false));
            TestData.AssertRowsEqual(p.Rows[1..^2], reader.ReadPartition(p.Key, slice)!.Rows.ToList());
            TestData.AssertRowsEqual(p.Rows[1..^2].Reverse().ToList(), reader.ReadPartition(p.Key, slice, reversed: true)!.Rows.ToList());
        }
        Assert.Null(reader.ReadPartition("sensor-999"u8.ToArray(), ClusteringSlice.All));
    }

    [Fact]
    public void Rewriting_a_format_1_sstable_gives_the_compressed_format_with_the_same_rows()
    {
        string dir = CopyOfLegacyTable();
        var expected = LegacySSTableData.Partitions();
        using var old = SSTableReader.Open(PhysicalFileSystem.Instance, dir, LegacySSTableData.Generation);
        SSTableReader rewritten;
        using (var writer = SSTableWriter.Create(PhysicalFileSystem.Instance, dir, 2, new SSTableWriterOptions { Compression = CompressionOptions.Default }))
        {
            foreach (var p in old.ScanAll()) writer.AppendPartition(p.Key, p.PartitionDeletion, p.RangeTombstones, p.Rows);
            rewritten = writer.Finish();
        }
        using (rewritten)
        {
            Assert.Equal(2, rewritten.DataFormatVersion);
            Assert.Equal("LZ4", rewritten.Compression);
            var scanned = rewritten.ScanAll().ToList();
            for (int i = 0; i < expected.Length; i++) TestData.AssertPartitionEqual(expected[i], scanned[i]);
            Assert.True(new FileInfo(rewritten.DataPath).Length < new FileInfo(old.DataPath).Length);
        }
    }
}

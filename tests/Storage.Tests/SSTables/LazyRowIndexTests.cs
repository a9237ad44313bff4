using CsCheck;
using RingStore.Core.Data;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Tests.SSTables;

/// <summary>
/// The version 2 Index (row index binary-searched on disk through its offset table) answers every slice exactly as
/// the version 1 Index (row index decoded whole) and as a model that filters the sorted rows; small blocks and row-index
/// intervals give partitions many stretches, entries that straddle blocks, and slices that start or end anywhere.
/// </summary>
public sealed class LazyRowIndexTests
{
    private static readonly Gen<ClusteringBound> BoundGen =
        Gen.Select(Gen.Byte.Array[0, 4], Gen.Bool, (prefix, inclusive) => new ClusteringBound(prefix, inclusive));

    private static readonly Gen<ClusteringSlice> SliceGen =
        Gen.Select(BoundGen, BoundGen, Gen.Int[0, 3], (a, b, kind) => kind switch
        {
            0 => ClusteringSlice.All,
            1 => new ClusteringSlice(a, ClusteringBound.Unbounded),
            2 => new ClusteringSlice(ClusteringBound.Unbounded, b),
            _ => new ClusteringSlice(a, b),
        });

    private static readonly Gen<TestPartition> WidePartitionGen =
        Gen.Select(Gen.Byte.Array[1, 6], TestData.RowGen.Array[0, 300], (key, rows) => new TestPartition(key, DeletionTime.Live, [], TestData.SortRows(rows)));

    [Fact]
    public void Version_2_index_reads_what_version_1_and_the_model_read()
    {
        Gen.Select(WidePartitionGen.Array[1, 4].Select(TestData.SortPartitions), Gen.Int[64, 512], Gen.Int[16, 600],
                Gen.Select(SliceGen, Gen.Bool).Array[1, 10])
            .Sample((partitions, block, interval, queries) =>
            {
                using var dir = new TempDirectory();
                var v2Options = new SSTableWriterOptions { BlockSizeBytes = block, RowIndexIntervalBytes = interval, IndexSummaryInterval = 2 };
                using var v1 = TestData.Write(PhysicalFileSystem.Instance, dir.Path, 1, partitions, v2Options with { IndexFormatVersion = 1 });
                using var v2 = TestData.Write(PhysicalFileSystem.Instance, dir.Path, 2, partitions, v2Options);
                foreach (var p in partitions)
                {
                    foreach (var (slice, reversed) in queries)
                    {
                        var model = p.Rows.Where(r => slice.Contains(r.Clustering)).ToList();
                        if (reversed) model.Reverse();
                        TestData.AssertRowsEqual(model, v1.ReadPartition(p.Key, slice, reversed)!.Rows.ToList());
                        TestData.AssertRowsEqual(model, v2.ReadPartition(p.Key, slice, reversed)!.Rows.ToList());
                    }
                    TestData.AssertPartitionEqual(p, v2.ScanAll().Single(s => s.Key.AsSpan().SequenceEqual(p.Key)));
                }
            }, iter: 60);
    }

    [Fact]
    public void Middle_slice_of_a_wide_partition_reads_O_log_n_index_blocks()
    {
        // 200k rows of ~50 bytes with 4 KiB blocks and a 256-byte row-index interval: ~40k stretches, a row index of
        // ~200 Index blocks. Version 1 reads all of them for any slice; version 2 two per binary-search step at most.
        using var dir = new TempDirectory();
        var options = new SSTableWriterOptions { BlockSizeBytes = 4096, RowIndexIntervalBytes = 256 };
        byte[] key = "wide"u8.ToArray();
        var slice = new ClusteringSlice(new ClusteringBound(Ck(100_000), true), ClusteringBound.Unbounded);
        long Touched(SSTableReader reader)
        {
            long before = reader.IndexBlocksAccessed;
            var rows = reader.ReadPartition(key, slice)!.Rows.Take(100).ToList();
            Assert.Equal(100, rows.Count);
            Assert.Equal(Ck(100_000), rows[0].Clustering);
            Assert.Equal(Ck(100_099), rows[^1].Clustering);
            return reader.IndexBlocksAccessed - before;
        }
        using var v1 = Write(dir.Path, 1, options with { IndexFormatVersion = 1 }, key);
        using var v2 = Write(dir.Path, 2, options, key);
        long indexBlocks = new FileInfo(SSTableFileNames.PathOf(dir.Path, 2, SSTableComponent.Index)).Length / 4100;
        Assert.True(indexBlocks > 100, $"the row index should span many blocks, got {indexBlocks}");
        Assert.True(Touched(v1) >= indexBlocks / 2, "version 1 decodes the whole row index");
        Assert.InRange(Touched(v2), 1, 2 * Math.Ceiling(Math.Log2(200_000)) + 3);
    }

    private static SSTableReader Write(string dir, long generation, SSTableWriterOptions options, byte[] key)
    {
        using var writer = SSTableWriter.Create(PhysicalFileSystem.Instance, dir, generation, options);
        writer.AppendPartition(key, DeletionTime.Live, [], Enumerable.Range(0, 200_000).Select(i => Row(i)));
        return writer.Finish();
    }

    private static byte[] Ck(int i) => [(byte)(i >> 16), (byte)(i >> 8), (byte)i];

    private static Row Row(int i) => new(Ck(i), LivenessInfo.At(1), DeletionTime.Live, [Cell.Live(0, 1, new byte[40])]);
}

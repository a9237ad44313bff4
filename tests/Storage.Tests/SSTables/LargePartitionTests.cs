using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Tests.SSTables;

/// <summary>Writes the ~30 MB partition once for all tests of <see cref="LargePartitionTests"/>.</summary>
public sealed class LargePartitionFixture : IDisposable
{
    public const int RowCount = 30_000;
    public const int ValueBytes = 1_000;
    public static readonly ClusteringColumn[] Columns = [new("ts", ColumnType.BigInt)];
    public static readonly byte[] Key = "huge-partition"u8.ToArray();

    private readonly TempDirectory _dir = new();

    public LargePartitionFixture()
    {
        // Rows are generated lazily: the writer must stream them, never holding the partition.
        using var writer = SSTableWriter.Create(PhysicalFileSystem.Instance, _dir.Path, 1);
        var keys = TestData.SortPartitions([new TestPartition(Key, DeletionTime.Live, [], []), new TestPartition([1], DeletionTime.Live, [], [])]);
        foreach (var p in keys)
            writer.AppendPartition(p.Key, DeletionTime.Live, [],
                p.Key.Length == 1 ? [MakeRow(0)] : Enumerable.Range(0, RowCount).Select(i => MakeRow(i)));
        Reader = writer.Finish();
    }

    public SSTableReader Reader { get; }

    public static byte[] Clustering(long ts) => ClusteringKeyCodec.Encode(Columns, [ts]);

    private static Row MakeRow(long ts)
    {
        var value = new byte[ValueBytes];
        BitConverter.TryWriteBytes(value, ts);
        return new Row(Clustering(ts), LivenessInfo.At(ts), DeletionTime.Live, [Cell.Live(0, ts, value)]);
    }

    public void Dispose()
    {
        Reader.Dispose();
        _dir.Dispose();
    }
}

/// <summary>One ~30 MB partition: a slice in its middle must seek through the row index, not scan.</summary>
public sealed class LargePartitionTests(LargePartitionFixture fixture) : IClassFixture<LargePartitionFixture>
{
    private const int RowCount = LargePartitionFixture.RowCount;
    private static readonly byte[] Key = LargePartitionFixture.Key;
    private readonly SSTableReader _reader = fixture.Reader;

    private static byte[] Clustering(long ts) => LargePartitionFixture.Clustering(ts);

    private static long TsOf(Row row) => (long)ClusteringKeyCodec.Decode(LargePartitionFixture.Columns, row.Clustering)[0];
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Middle_slice_reads_only_a_few_blocks(bool reversed)
    {
        Assert.True(_reader.Statistics.DataSizeBytes > 25_000_000);
        long dataBefore = _reader.DataBlocksAccessed, indexBefore = _reader.IndexBlocksAccessed;
        var slice = new ClusteringSlice(new ClusteringBound(Clustering(15_000), true), new ClusteringBound(Clustering(15_010), false));
        var rows = _reader.ReadPartition(Key, slice, reversed)!.Rows.ToList();

        var expected = Enumerable.Range(15_000, 10).Select(i => (long)i).ToList();
        if (reversed) expected.Reverse();
        Assert.Equal(expected, rows.Select(TsOf));
        Assert.All(rows, r => Assert.Equal(TsOf(r), BitConverter.ToInt64(r.Cells[0].Value)));
        // Partition header block + at most two blocks of one row-index stretch, out of ~460 blocks.
        Assert.InRange(_reader.DataBlocksAccessed - dataBefore, 1, 4);
        Assert.InRange(_reader.IndexBlocksAccessed - indexBefore, 1, 2);
    }

    [Fact]
    public void Slices_at_both_ends_and_full_scan_are_complete()
    {
        var head = _reader.ReadPartition(Key, new ClusteringSlice(ClusteringBound.Unbounded, new ClusteringBound(Clustering(3), true)), true)!;
        Assert.Equal([3L, 2L, 1L, 0L], head.Rows.Select(TsOf));
        var tail = _reader.ReadPartition(Key, new ClusteringSlice(new ClusteringBound(Clustering(RowCount - 3), false), ClusteringBound.Unbounded), false)!;
        Assert.Equal([(long)RowCount - 2, RowCount - 1], tail.Rows.Select(TsOf));

        long expectedTs = 0;
        foreach (var row in _reader.ReadPartition(Key, ClusteringSlice.All, false)!.Rows)
            Assert.Equal(expectedTs++, TsOf(row));
        Assert.Equal(RowCount, expectedTs);
        Assert.Equal(RowCount + 1, _reader.Statistics.RowCount);
        Assert.Equal(2, _reader.ScanAll().Count());
    }
}

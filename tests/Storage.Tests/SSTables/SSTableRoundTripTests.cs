using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Tests.SSTables;

public sealed class SSTableRoundTripTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private long _generation;

    public void Dispose() => _dir.Dispose();

    // Tiny blocks and row-index intervals put rows across block boundaries and give even small
    // partitions a row index, so the seek paths run on random data, not just the 64 KiB defaults.
    /// <summary>Also used by <see cref="EncodedRowsWriterTests"/>.</summary>
    internal static readonly Gen<SSTableWriterOptions> OptionsGen =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[1, 4], (b, r, s) => new SSTableWriterOptions
        {
            BlockSizeBytes = b switch { 0 => 64, 1 => 700, _ => 64 * 1024 },
            RowIndexIntervalBytes = r switch { 0 => 1, 1 => 300, _ => 64 * 1024 },
            IndexSummaryInterval = s,
        });

    private static readonly Gen<ClusteringBound> BoundGen =
        Gen.Select(Gen.Byte.Array[0, 4], Gen.Bool, (prefix, inclusive) => new ClusteringBound(prefix, inclusive));

    private static readonly Gen<(ClusteringSlice Slice, bool Reversed)> SliceGen =
        Gen.Select(Gen.Int[0, 3], BoundGen, BoundGen, Gen.Bool, (kind, a, b, reversed) => kind switch
        {
            0 => (ClusteringSlice.All, reversed),
            1 => (new ClusteringSlice(a, ClusteringBound.Unbounded), reversed),
            2 => (new ClusteringSlice(ClusteringBound.Unbounded, b), reversed),
            _ => (new ClusteringSlice(a, b), reversed),
        });

    [Fact]
    public void Random_tables_round_trip_through_ScanAll_and_point_reads()
    {
        Gen.Select(TestData.TableGen, OptionsGen).Sample((partitions, options) =>
        {
            long gen = ++_generation;
            using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, gen, partitions, options);

            var scanned = reader.ScanAll().ToList();
            Assert.Equal(partitions.Length, scanned.Count);
            for (int i = 0; i < partitions.Length; i++) TestData.AssertPartitionEqual(partitions[i], scanned[i]);

            foreach (var p in partitions)
            {
                Assert.True(reader.MayContain(p.Key));
                var read = reader.ReadPartition(p.Key, ClusteringSlice.All, reversed: false);
                Assert.NotNull(read);
                TestData.AssertPartitionEqual(p, read);
            }
            Assert.Null(reader.ReadPartition([0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE], ClusteringSlice.All, false));
        }, iter: 60, threads: 1);
    }

    [Fact]
    public void Random_slices_forward_and_reversed_match_the_model()
    {
        Gen.Select(TestData.PartitionGen.Array[1, 6].Select(TestData.SortPartitions), OptionsGen, SliceGen.Array[1, 8])
            .Sample((partitions, options, slices) =>
            {
                long gen = ++_generation;
                using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, gen, partitions, options);
                foreach (var p in partitions)
                foreach (var (slice, reversed) in slices)
                {
                    var expected = p.Rows.Where(r => slice.Contains(r.Clustering)).ToList();
                    if (reversed) expected.Reverse();
                    var actual = reader.ReadPartition(p.Key, slice, reversed)!;
                    Assert.Equal(p.RangeTombstones, actual.RangeTombstones);
                    TestData.AssertRowsEqual(expected, actual.Rows.ToList());
                }
            }, iter: 80, threads: 1);
    }

    [Fact]
    public void Token_range_scan_returns_exactly_the_partitions_in_the_half_open_range()
    {
        var partitions = TestData.SortPartitions(Enumerable.Range(0, 500).Select(i =>
            new TestPartition(BitConverter.GetBytes(i), DeletionTime.Live, [], [new Row([1], LivenessInfo.At(i), DeletionTime.Live, [])])));
        using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions,
            new SSTableWriterOptions { IndexSummaryInterval = 16, BlockSizeBytes = 512 });
        var random = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            // Bounds on real tokens check exclusivity of the start and inclusivity of the end.
            Token a = random.Next(3) == 0 ? new Token(random.NextInt64(long.MinValue, long.MaxValue)) : partitions[random.Next(partitions.Length)].Token;
            Token b = random.Next(3) == 0 ? new Token(random.NextInt64(long.MinValue, long.MaxValue)) : partitions[random.Next(partitions.Length)].Token;
            if (a > b) (a, b) = (b, a);
            var expected = partitions.Where(p => p.Token > a && p.Token <= b).Select(p => Convert.ToHexString(p.Key)).ToList();
            var actual = reader.Scan(a, b).Select(p => Convert.ToHexString(p.Key)).ToList();
            Assert.Equal(expected, actual);
        }
        Assert.Equal(partitions.Length, reader.Scan(Token.Minimum, Token.Maximum).Count());
        Assert.Empty(reader.Scan(partitions[^1].Token, Token.Maximum));
    }

    [Fact]
    public void Empty_partitions_with_only_a_partition_deletion_round_trip()
    {
        var deletion = new DeletionTime(1234, 99);
        var partitions = TestData.SortPartitions(Enumerable.Range(0, 20).Select(i =>
            new TestPartition([(byte)i, 1], deletion, [], [])));
        using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions);
        foreach (var p in partitions)
        {
            var read = reader.ReadPartition(p.Key, ClusteringSlice.All, reversed: true)!;
            Assert.Equal(deletion, read.PartitionDeletion);
            Assert.Empty(read.Rows);
        }
        Assert.Equal(20, reader.ScanAll().Count());
        Assert.Equal(0, reader.Statistics.RowCount);
        Assert.Equal(20, reader.Statistics.PartitionDeletionCount);
    }

    [Fact]
    public void An_empty_table_can_be_written_and_read()
    {
        using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, []);
        Assert.Empty(reader.ScanAll());
        Assert.Null(reader.ReadPartition([1, 2, 3], ClusteringSlice.All, false));
        Assert.Equal(0, reader.Statistics.PartitionCount);
    }

    [Fact]
    public void Concurrent_point_reads_on_one_reader_all_see_their_data()
    {
        var partitions = TestData.SortPartitions(Enumerable.Range(0, 300).Select(i =>
            new TestPartition(BitConverter.GetBytes(i), DeletionTime.Live, [],
                Enumerable.Range(0, 50).Select(r => new Row([(byte)r], LivenessInfo.At(i), DeletionTime.Live,
                    [Cell.Live(0, i, BitConverter.GetBytes(i * 1000 + r))])).ToArray())));
        using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions,
            new SSTableWriterOptions { BlockSizeBytes = 1024, RowIndexIntervalBytes = 256 });
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            var random = new Random(t);
            for (int i = 0; i < 500; i++)
            {
                var p = partitions[random.Next(partitions.Length)];
                bool reversed = random.Next(2) == 0;
                var rows = reader.ReadPartition(p.Key, ClusteringSlice.All, reversed)!.Rows.ToList();
                TestData.AssertRowsEqual(reversed ? p.Rows.Reverse().ToList() : p.Rows, rows);
            }
        });
    }

    [Fact]
    public void A_point_read_of_a_small_partition_verifies_its_data_block_once()
    {
        var partitions = TestData.SortPartitions(Enumerable.Range(0, 100).Select(i =>
            new TestPartition(BitConverter.GetBytes(i), DeletionTime.Live, [], [new Row([1], LivenessInfo.At(i), DeletionTime.Live, [])])));
        using (TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions)) { }
        using var reader = SSTableReader.Open(PhysicalFileSystem.Instance, _dir.Path, 1);
        Assert.Single(reader.ReadPartition(partitions[50].Key, ClusteringSlice.All, false)!.Rows);
        Assert.Equal(1, reader.DataBlocksRead);   // header and rows share the block the header read verified
        Assert.Equal(1, reader.IndexBlocksRead);
        Assert.Single(reader.ReadPartition(partitions[51].Key, ClusteringSlice.All, true)!.Rows);
        Assert.Equal(2, reader.DataBlocksRead);   // every read verifies the blocks it uses, even ones verified before
        Assert.Equal(2, reader.IndexBlocksRead);
    }

    [Fact]
    public void Writer_rejects_out_of_order_input_and_leaves_nothing_behind()
    {
        var partitions = TestData.SortPartitions(Enumerable.Range(0, 3).Select(i => new TestPartition([(byte)i], DeletionTime.Live, [], [])));
        using (var writer = SSTableWriter.Create(PhysicalFileSystem.Instance, _dir.Path, 1))
        {
            writer.AppendPartition(partitions[1].Key, DeletionTime.Live, [], []);
            Assert.Throws<ArgumentException>(() => writer.AppendPartition(partitions[0].Key, DeletionTime.Live, [], []));
            Assert.Throws<ArgumentException>(() => writer.AppendPartition(partitions[2].Key, DeletionTime.Live, [],
                [new Row([2], LivenessInfo.At(1), DeletionTime.Live, []), new Row([1], LivenessInfo.At(1), DeletionTime.Live, [])]));
            Assert.Throws<InvalidOperationException>(() => writer.Finish());
        }
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }
}

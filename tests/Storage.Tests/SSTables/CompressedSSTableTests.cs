using System.Text;
using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Tests.SSTables;

/// <summary>
/// Compressed Data (format version 2): every compression setting reads back what was written (scans, point reads,
/// slices either way), damage to a compressed chunk or to the chunk table is caught as corruption, chunks that do not
/// shrink are stored as they are, verify and scrub work, and reads decompress into pooled buffers.
/// </summary>
public sealed class CompressedSSTableTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private long _generation;

    public void Dispose() => _dir.Dispose();

    private static readonly CompressionOptions Lz4Small = new() { Algorithm = CompressionAlgorithm.Lz4, ChunkLengthKb = 1 };
    private static readonly CompressionOptions ZstdSmall = new() { Algorithm = CompressionAlgorithm.Zstd, ChunkLengthKb = 1 };

    /// <summary>Each compression setting; 1 KiB chunks put rows and row-index stretches across many chunks.</summary>
    private static readonly Gen<SSTableWriterOptions> OptionsGen =
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, 2], Gen.Int[1, 4], (c, r, s) => new SSTableWriterOptions
        {
            Compression = c switch
            {
                0 => CompressionOptions.Disabled,
                1 => Lz4Small,
                2 => ZstdSmall,
                3 => CompressionOptions.Default,
                _ => new CompressionOptions { Algorithm = CompressionAlgorithm.Zstd, ChunkLengthKb = 4, ZstdLevel = 1 },
            },
            BlockSizeBytes = 700,
            RowIndexIntervalBytes = r switch { 0 => 1, 1 => 300, _ => 64 * 1024 },
            IndexSummaryInterval = s,
        });

    internal static readonly Gen<ClusteringBound> BoundGen =
        Gen.Select(Gen.Byte.Array[0, 4], Gen.Bool, (prefix, inclusive) => new ClusteringBound(prefix, inclusive));

    internal static readonly Gen<ClusteringSlice> SliceGen =
        Gen.Select(Gen.Int[0, 3], BoundGen, BoundGen, (kind, a, b) => kind switch
        {
            0 => ClusteringSlice.All,
            1 => new ClusteringSlice(a, ClusteringBound.Unbounded),
            2 => new ClusteringSlice(ClusteringBound.Unbounded, b),
            _ => new ClusteringSlice(a, b),
        });

    /// <summary>Random partitions, but with repetitive values too (so chunks really compress, not only the stored-raw path).</summary>
    internal static readonly Gen<TestPartition[]> CompressibleTableGen =
        Gen.Select(TestData.TableGen, Gen.Int[0, 200], (partitions, repeat) => repeat == 0 ? partitions :
            partitions.Select(p => p with
            {
                Rows = p.Rows.Select(r => new Row(r.Clustering, r.Liveness, r.Deletion,
                    [.. r.Cells, Cell.Live(9, 77, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("temperature=21.5;", repeat % 20 + 1))))])).ToArray(),
            }).ToArray());

    [Fact]
    public void Every_compression_setting_reads_back_every_row_by_scan_point_read_and_slice()
    {
        Gen.Select(CompressibleTableGen, OptionsGen, SliceGen.Array[1, 5]).Sample((partitions, options, slices) =>
        {
            long gen = ++_generation;
            using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, gen, partitions, options);
            Assert.Equal(options.Compression.Enabled ? 2 : 1, reader.DataFormatVersion);

            var scanned = reader.ScanAll().ToList();
            Assert.Equal(partitions.Length, scanned.Count);
            for (int i = 0; i < partitions.Length; i++) TestData.AssertPartitionEqual(partitions[i], scanned[i]);

            foreach (var p in partitions)
            {
                TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, ClusteringSlice.All)!);
                foreach (var slice in slices)
                foreach (bool reversed in new[] { false, true })
                {
                    var expected = p.Rows.Where(r => slice.Contains(r.Clustering)).ToList();
                    if (reversed) expected.Reverse();
                    TestData.AssertRowsEqual(expected, reader.ReadPartition(p.Key, slice, reversed)!.Rows.ToList());
                }
                // IN on clustering values: several disjoint slices in one read (about rows 0-1 and 3-4; bounds are
                // prefixes, so the model filters with the slices themselves).
                ClusteringSlice Between(int a, int b) =>
                    new(new ClusteringBound(p.Rows[a].Clustering, true), new ClusteringBound(p.Rows[b].Clustering, true));
                if (p.Rows.Length >= 5 && !Between(0, 1).Contains(p.Rows[3].Clustering))
                {
                    foreach (bool reversed in new[] { false, true })
                    {
                        var expected = p.Rows.Where(r => Between(0, 1).Contains(r.Clustering) || Between(3, 4).Contains(r.Clustering)).ToList();
                        if (reversed) expected.Reverse();
                        TestData.AssertRowsEqual(expected, reader.ReadPartition(p.Key, [Between(0, 1), Between(3, 4)], reversed)!.Rows.ToList());
                    }
                }
            }
            Assert.Empty(reader.Verify());
        }, iter: 60, threads: 1);
    }

    [Fact]
    public void Time_series_rows_shrink_at_least_twofold_with_lz4_and_more_with_zstd()
    {
        var partitions = TimeSeries(40, 200);
        long Size(CompressionOptions c)
        {
            using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, ++_generation, partitions, new SSTableWriterOptions { Compression = c });
            TestData.AssertPartitionEqual(partitions[7], reader.ReadPartition(partitions[7].Key, ClusteringSlice.All)!);
            return new FileInfo(reader.DataPath).Length;
        }
        long none = Size(CompressionOptions.Disabled), lz4 = Size(CompressionOptions.Default);
        long zstd = Size(new CompressionOptions { Algorithm = CompressionAlgorithm.Zstd });
        Assert.True(none >= 2 * lz4, $"LZ4 {lz4} bytes vs {none} uncompressed");
        Assert.True(zstd < lz4, $"Zstd {zstd} bytes vs LZ4 {lz4}");
    }

    [Fact]
    public void Chunks_that_do_not_shrink_are_stored_as_they_are_and_read_from_the_map()
    {
        var random = new Random(3);
        var partitions = TestData.SortPartitions(Enumerable.Range(0, 50).Select(i => new TestPartition(BitConverter.GetBytes(i), DeletionTime.Live, [],
            Enumerable.Range(0, 30).Select(r =>
            {
                var noise = new byte[200];
                random.NextBytes(noise);
                return new Row([(byte)r], LivenessInfo.At(i), DeletionTime.Live, [Cell.Live(0, i, noise)]);
            }).ToArray())));
        using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions, new SSTableWriterOptions { Compression = Lz4Small });
        var data = reader.DataFile;
        Assert.True(data.IsCompressed && data.IsMapped);
        long raw = Enumerable.Range(0, (int)data.BlockCount).Count(i => data.LocationOf(i) is var l && l.StoredLength == l.LogicalLength);
        Assert.True(raw >= data.BlockCount - 1, $"{raw} of {data.BlockCount} chunks stored uncompressed");
        // A stored-as-is chunk is a view of the map: no buffer is rented for it.
        byte[]? buffer = null;
        data.GetBlockMemory(0, ref buffer);
        Assert.Null(buffer);
        foreach (var p in partitions) TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, ClusteringSlice.All, false)!);
    }

    [Theory]
    [InlineData(CompressionAlgorithm.Lz4)]
    [InlineData(CompressionAlgorithm.Zstd)]
    public void A_flipped_byte_in_a_compressed_chunk_fails_the_read_and_marks_the_sstable_unreadable(CompressionAlgorithm algorithm)
    {
        var partitions = TimeSeries(60, 40);
        using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions,
            new SSTableWriterOptions { Compression = new CompressionOptions { Algorithm = algorithm, ChunkLengthKb = 4 } });
        var data = reader.DataFile;
        Assert.True(data.BlockCount > 4);
        var (offset, stored, logical) = data.LocationOf(3);
        Assert.True(stored < logical); // really compressed
        Flip(reader.DataPath, offset + 4 + stored / 2);

        var first = Assert.Throws<CorruptSSTableException>(() =>
        {
            foreach (var p in partitions) TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, ClusteringSlice.All)!);
        });
        Assert.Equal(reader.DataPath, first.File);
        Assert.Equal(offset, first.Offset);
        Assert.Contains("checksum mismatch", first.Message, StringComparison.Ordinal); // caught before decompressing
        Assert.Same(first, reader.Corruption);
        Assert.Throws<CorruptSSTableException>(() => reader.ScanAll().SelectMany(p => p.Rows).Count());
        var error = Assert.Single(reader.Verify());
        Assert.Equal(SSTableComponent.Data, error.Component);
        Assert.Equal(3, error.Block);
    }

    [Fact]
    public void A_flipped_byte_read_through_positional_reads_is_detected_too()
    {
        var partitions = TimeSeries(60, 40);
        var fs = new FaultInjectingFileSystem(PhysicalFileSystem.Instance);
        using (TestData.Write(fs, _dir.Path, 1, partitions, new SSTableWriterOptions { Compression = Lz4Small })) { }
        using var reader = SSTableReader.Open(fs, _dir.Path, 1);
        Assert.False(reader.IsDataMapped);
        foreach (var p in partitions.Take(5)) TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, ClusteringSlice.All)!);
        var (offset, stored, _) = reader.DataFile.LocationOf(reader.DataFile.BlockCount / 2);
        fs.FlipByteOnRead(reader.DataPath, offset + 4 + stored - 1);
        var e = Assert.Throws<CorruptSSTableException>(() => reader.ScanAll().SelectMany(p => p.Rows).Count());
        Assert.Equal(offset, e.Offset);
    }

    [Fact]
    public void A_damaged_chunk_table_or_a_truncated_file_fails_the_open()
    {
        var partitions = TimeSeries(20, 40);
        string path;
        using (var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions, new SSTableWriterOptions { Compression = Lz4Small }))
            path = reader.DataPath;
        long length = new FileInfo(path).Length;
        Flip(path, length - ChecksummedBlockWriter.TrailerBytes - 3); // inside the last chunk offset
        var e = Assert.Throws<CorruptSSTableException>(() => SSTableReader.Open(PhysicalFileSystem.Instance, _dir.Path, 1));
        Assert.Contains("chunk offset table", e.Message, StringComparison.Ordinal);
        Flip(path, length - ChecksummedBlockWriter.TrailerBytes - 3);
        using (SSTableReader.Open(PhysicalFileSystem.Instance, _dir.Path, 1)) { }

        using (var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite)) f.SetLength(length - 10);
        e = Assert.Throws<CorruptSSTableException>(() => SSTableReader.Open(PhysicalFileSystem.Instance, _dir.Path, 1));
        Assert.Contains("trailer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrub_salvages_the_partitions_outside_a_bad_compressed_chunk()
    {
        var partitions = TimeSeries(60, 40);
        using (var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions, new SSTableWriterOptions { Compression = Lz4Small }))
        {
            var (offset, stored, _) = reader.DataFile.LocationOf(reader.DataFile.BlockCount / 2);
            Flip(reader.DataPath, offset + 4 + stored / 2);
        }
        using var salvager = SSTableSalvager.Open(PhysicalFileSystem.Instance, _dir.Path, 1);
        var kept = new List<string>();
        foreach (var p in salvager.Partitions())
        {
            var rows = p.Rows.ToList();
            var expected = partitions.Single(e => e.Key.AsSpan().SequenceEqual(p.Key));
            TestData.AssertRowsEqual(expected.Rows.Take(rows.Count).ToList(), rows);
            kept.Add(Convert.ToHexString(p.Key));
        }
        Assert.Equal(1, salvager.Tally.DataBlocksBad);
        Assert.InRange(kept.Count, partitions.Length - 2, partitions.Length);
        Assert.True(salvager.Tally.LostKeyCount >= 1);
    }

    [Fact]
    public void Point_reads_of_compressed_data_allocate_no_array_per_chunk()
    {
        // 150 rows of ~60 bytes per partition: each read decompresses several 1 KiB chunks.
        var partitions = TimeSeries(30, 150);
        long PerRead(CompressionOptions compression)
        {
            using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, ++_generation, partitions,
                new SSTableWriterOptions { Compression = compression });
            var key = partitions[11].Key;
            for (int i = 0; i < 50; i++) reader.ReadPartition(key, ClusteringSlice.All)!.Rows.Count(); // warm the pool
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++) reader.ReadPartition(key, ClusteringSlice.All)!.Rows.Count();
            return (GC.GetAllocatedBytesForCurrentThread() - before) / 200;
        }
        long plain = PerRead(CompressionOptions.Disabled), lz4 = PerRead(Lz4Small), zstd = PerRead(ZstdSmall);
        Assert.True(lz4 - plain < 512, $"LZ4 {lz4} bytes per read vs {plain} uncompressed");
        Assert.True(zstd - plain < 512, $"Zstd {zstd} bytes per read vs {plain} uncompressed");
    }

    [Fact]
    public void Bad_compression_options_are_refused_by_the_writer()
    {
        Assert.Throws<ArgumentException>(() => SSTableWriter.Create(PhysicalFileSystem.Instance, _dir.Path, 1,
            new SSTableWriterOptions { Compression = new CompressionOptions { ChunkLengthKb = 3 } }));
        Assert.Throws<ArgumentException>(() => SSTableWriter.Create(PhysicalFileSystem.Instance, _dir.Path, 1,
            new SSTableWriterOptions { Compression = new CompressionOptions { Algorithm = (CompressionAlgorithm)9 } }));
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    /// <summary>Sensor readings: one partition per sensor, a row per timestamp, values that repeat their shape.</summary>
    internal static TestPartition[] TimeSeries(int sensors, int readings) =>
        TestData.SortPartitions(Enumerable.Range(0, sensors).Select(s => new TestPartition(Encoding.UTF8.GetBytes($"sensor-{s:D5}"), DeletionTime.Live, [],
            Enumerable.Range(0, readings).Select(r =>
            {
                byte[] clustering = BitConverter.GetBytes(1_700_000_000_000L + r * 1000L);
                Array.Reverse(clustering);
                return new Row(clustering, LivenessInfo.At(1_700_000_000_000_000L + r), DeletionTime.Live,
                [
                    Cell.Live(0, 1_700_000_000_000_000L + r, Encoding.UTF8.GetBytes($"{20 + (s + r) % 7}.{r % 10}")),
                    Cell.Live(1, 1_700_000_000_000_000L + r, Encoding.UTF8.GetBytes(r % 3 == 0 ? "ok" : "degraded")),
                ]);
            }).ToArray())));

    private static void Flip(string path, long offset)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        f.Position = offset;
        int b = f.ReadByte();
        f.Position = offset;
        f.WriteByte((byte)(b ^ 0x10));
    }
}

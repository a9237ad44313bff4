using RingStore.Core.Data;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Tests.SSTables;

/// <summary>Corruption, interrupted writes, injected I/O errors, and reference-counted deletion.</summary>
public sealed class SSTableFaultTests : IDisposable
{
    private const int BlockSize = 4096;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static TestPartition[] MakePartitions(int count) =>
        TestData.SortPartitions(Enumerable.Range(0, count).Select(i => new TestPartition(BitConverter.GetBytes(i), DeletionTime.Live, [],
            Enumerable.Range(0, 20).Select(r => new Row([(byte)r], LivenessInfo.At(i), DeletionTime.Live, [Cell.Live(0, i, new byte[50])])).ToArray())));

    private static readonly SSTableWriterOptions SmallBlocks = new() { BlockSizeBytes = BlockSize };

    private string[] Files() => Directory.GetFiles(_dir.Path).Select(Path.GetFileName).ToArray()!;

    [Fact]
    public void Flipped_byte_in_a_data_block_fails_the_read_names_the_file_and_marks_the_sstable_unreadable()
    {
        var partitions = MakePartitions(300);
        using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions, SmallBlocks);
        Assert.True(reader.IsDataMapped); // the memory-mapped read path verifies checksums too
        const int badBlock = 5;
        long blockOffset = 16 + badBlock * (BlockSize + 4L);
        using (var f = new FileStream(reader.DataPath, FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = blockOffset + 100;
            int b = f.ReadByte();
            f.Position = blockOffset + 100;
            f.WriteByte((byte)(b ^ 0x01));
        }

        int ok = 0;
        CorruptSSTableException? first = null;
        foreach (var p in partitions)
        {
            try
            {
                TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, ClusteringSlice.All, false)!);
                ok++;
            }
            catch (CorruptSSTableException e)
            {
                first = e;
                break;
            }
        }
        Assert.NotNull(first);
        Assert.Equal(reader.DataPath, first.File);
        Assert.Equal(blockOffset, first.Offset);
        Assert.Contains(Path.GetFileName(reader.DataPath), first.Message, StringComparison.Ordinal);
        Assert.InRange(ok, 1, partitions.Length - 1);
        Assert.Same(first, reader.Corruption);
        // Marked unreadable: every read of a partition it may hold fails now, even of healthy blocks, as do scans.
        foreach (var p in partitions)
            Assert.Throws<CorruptSSTableException>(() => reader.ReadPartition(p.Key, ClusteringSlice.All, true)?.Rows.Count());
        Assert.Throws<CorruptSSTableException>(() => reader.ScanAll().SelectMany(p => p.Rows).Count());
        // A key it cannot hold (bloom filter or token bounds) is still answered: absent.
        var absent = Enumerable.Range(10_000, 100).Select(BitConverter.GetBytes).First(k => !reader.MayContain(k));
        Assert.Null(reader.ReadPartition(absent, ClusteringSlice.All));
    }

    [Fact]
    public void Flipped_byte_seen_through_the_fault_injecting_file_system_is_detected()
    {
        var fs = new FaultInjectingFileSystem(PhysicalFileSystem.Instance);
        var partitions = MakePartitions(50);
        using (TestData.Write(fs, _dir.Path, 1, partitions, SmallBlocks)) { }
        using (var reader = SSTableReader.Open(fs, _dir.Path, 1))
        {
            Assert.False(reader.IsDataMapped); // positional reads: the other read path
            fs.FlipByteOnRead(reader.DataPath, 16 + 4 + 10);
            var e = Assert.Throws<CorruptSSTableException>(() => reader.ScanAll().SelectMany(p => p.Rows).Count());
            Assert.Equal(reader.DataPath, e.File);
            fs.ClearFaults();
            // The reader stays unreadable once it saw a mismatch; a fresh open (the bytes on disk were never bad) reads all.
            Assert.True(reader.IsCorrupt);
            Assert.Throws<CorruptSSTableException>(() => reader.ScanAll().SelectMany(p => p.Rows).Count());
        }
        using var reopened = SSTableReader.Open(fs, _dir.Path, 1);
        Assert.Equal(50 * 20, reopened.ScanAll().SelectMany(p => p.Rows).Count());
    }

    [Fact]
    public void Damaged_small_components_fail_the_open_with_the_file_name()
    {
        using (TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, MakePartitions(10))) { }
        string stats = Path.Combine(_dir.Path, "rs-1-Statistics.db");
        var bytes = File.ReadAllBytes(stats);
        bytes[20] ^= 0x40;
        File.WriteAllBytes(stats, bytes);
        var e = Assert.Throws<CorruptSSTableException>(() => SSTableReader.Open(PhysicalFileSystem.Instance, _dir.Path, 1));
        Assert.Equal(stats, e.File);
    }

    [Fact]
    public void Cleanup_removes_half_written_generations_and_temp_files_and_lists_complete_ones()
    {
        using (TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, MakePartitions(10))) { }
        using (TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 3, MakePartitions(10))) { }
        // Generation 2: every component renamed but the TOC never written (crash before the commit point).
        foreach (var f in Directory.GetFiles(_dir.Path, "rs-1-*.db"))
            File.Copy(f, f.Replace("rs-1-", "rs-2-", StringComparison.Ordinal));
        // Generation 4: crash mid-write, only temp files.
        File.WriteAllBytes(Path.Combine(_dir.Path, "rs-4-Data.db.tmp"), new byte[100]);
        File.WriteAllBytes(Path.Combine(_dir.Path, "rs-4-Index.db.tmp"), new byte[10]);
        File.WriteAllText(Path.Combine(_dir.Path, "notes.txt"), "not ours");

        var generations = SSTableDirectory.CleanupAndListGenerations(PhysicalFileSystem.Instance, _dir.Path);

        Assert.Equal([1L, 3L], generations);
        Assert.DoesNotContain(Files(), f => f.StartsWith("rs-2-", StringComparison.Ordinal) || f.StartsWith("rs-4-", StringComparison.Ordinal));
        Assert.Contains("notes.txt", Files());
        using var reader = SSTableReader.Open(PhysicalFileSystem.Instance, _dir.Path, 3);
        Assert.Equal(10, reader.ScanAll().Count());
    }

    [Theory]
    [InlineData(1_000, true)]
    [InlineData(50_000, true)]
    [InlineData(50_000, false)]
    public void Disk_full_during_write_leaves_no_visible_sstable(long failAfterBytes, bool tear)
    {
        var fs = new FaultInjectingFileSystem(PhysicalFileSystem.Instance) { FailWritesAfterBytes = failAfterBytes, TearFailingWrite = tear };
        var partitions = MakePartitions(500);
        Assert.Throws<IOException>(() => TestData.Write(fs, _dir.Path, 1, partitions, SmallBlocks).Dispose());
        Assert.Empty(Files());
        Assert.Empty(SSTableDirectory.CleanupAndListGenerations(fs, _dir.Path));
    }

    [Fact]
    public void Failed_rename_or_fsync_at_finish_leaves_no_visible_sstable()
    {
        var fs = new FaultInjectingFileSystem(PhysicalFileSystem.Instance) { FailRename = true };
        Assert.Throws<IOException>(() => TestData.Write(fs, _dir.Path, 1, MakePartitions(20)).Dispose());
        Assert.Empty(Files());
        fs.ClearFaults();
        fs.FailSync = true;
        Assert.Throws<IOException>(() => TestData.Write(fs, _dir.Path, 2, MakePartitions(20)).Dispose());
        Assert.Empty(Files());
        fs.ClearFaults();
        using var reader = TestData.Write(fs, _dir.Path, 3, MakePartitions(20));
        Assert.Equal([3L], SSTableDirectory.CleanupAndListGenerations(fs, _dir.Path));
    }

    [Fact]
    public void Existing_generation_is_never_overwritten()
    {
        using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, MakePartitions(5));
        Assert.Throws<IOException>(() => SSTableWriter.Create(PhysicalFileSystem.Instance, _dir.Path, 1));
        Assert.Equal(5, reader.ScanAll().Count());
    }

    [Fact]
    public void Obsolete_table_is_deleted_only_when_the_last_reference_is_released()
    {
        var partitions = MakePartitions(10);
        var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions);
        Assert.True(reader.TryAcquire());
        reader.MarkObsolete();
        reader.Dispose();
        reader.Dispose(); // the opener's reference goes back once only
        Assert.NotEmpty(Files());
        Assert.Equal(10, reader.ScanAll().Count()); // the in-flight read still works
        reader.Release();
        Assert.Empty(Files());
        Assert.False(reader.TryAcquire());
    }

    [Fact]
    public void Table_not_marked_obsolete_keeps_its_files_after_close()
    {
        var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, MakePartitions(3));
        reader.Dispose();
        Assert.Equal(6, Files().Length);
        using var reopened = SSTableReader.Open(PhysicalFileSystem.Instance, _dir.Path, 1);
        Assert.Equal(3, reopened.ScanAll().Count());
    }
}

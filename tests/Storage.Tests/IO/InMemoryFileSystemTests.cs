using CsCheck;
using RingStore.Core.Data;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;
using RingStore.Storage.Tests.SSTables;

namespace RingStore.Storage.Tests.IO;

/// <summary>
/// The in-memory file seam keeps after a crash what POSIX promises and nothing more, so the deterministic simulation
/// catches a missing fsync or directory fsync that a real disk would usually forgive.
/// </summary>
public sealed class InMemoryFileSystemTests
{
    private const string Dir = "/data/t";

    private static InMemoryFileSystem NewFs()
    {
        var fs = new InMemoryFileSystem();
        fs.CreateDirectory(Dir);
        return fs;
    }

    private static byte[] ReadAll(IStorageFileSystem fs, string path)
    {
        using var file = fs.OpenRead(path);
        var bytes = new byte[file.Length];
        Assert.Equal(bytes.Length, file.ReadAt(0, bytes));
        return bytes;
    }

    private static void Write(IStorageFileSystem fs, string path, byte[] bytes, bool sync)
    {
        using var file = fs.CreateForWrite(path);
        file.Write(bytes);
        if (sync) file.Sync();
    }

    [Fact]
    public void A_crash_keeps_synced_bytes_under_synced_names_and_loses_the_rest()
    {
        var fs = NewFs();
        using (var file = fs.CreateForWrite($"{Dir}/log"))
        {
            file.Write([1, 2, 3]);
            file.Sync();
            file.Write([4, 5]);
        }
        fs.SyncDirectory(Dir);
        Write(fs, $"{Dir}/synced-but-unnamed", [9], sync: true); // the directory was not synced after this

        fs.Crash(new Random(1), tornWrites: false);

        Assert.Equal([1, 2, 3], ReadAll(fs, $"{Dir}/log"));
        Assert.False(fs.Exists($"{Dir}/synced-but-unnamed"));
    }

    [Fact]
    public void The_publish_pattern_survives_and_a_rename_without_a_directory_sync_may_not()
    {
        var fs = NewFs();
        Write(fs, $"{Dir}/a.tmp", [7, 7], sync: true);
        fs.SyncDirectory(Dir);
        fs.Rename($"{Dir}/a.tmp", $"{Dir}/a");
        fs.Crash(new Random(1), tornWrites: false);
        Assert.True(fs.Exists($"{Dir}/a.tmp"));  // the rename was never made durable
        Assert.False(fs.Exists($"{Dir}/a"));

        fs.Rename($"{Dir}/a.tmp", $"{Dir}/a");
        fs.SyncDirectory(Dir);
        fs.Crash(new Random(1), tornWrites: false);
        Assert.Equal([7, 7], ReadAll(fs, $"{Dir}/a"));
        Assert.False(fs.Exists($"{Dir}/a.tmp"));
    }

    [Fact]
    public void Truncating_without_a_sync_brings_the_old_bytes_back_after_a_crash()
    {
        var fs = NewFs();
        Write(fs, $"{Dir}/f", [1, 2, 3, 4], sync: true);
        fs.SyncDirectory(Dir);
        Write(fs, $"{Dir}/f", [8], sync: false);
        Assert.Equal([8], ReadAll(fs, $"{Dir}/f"));
        fs.Crash(new Random(1), tornWrites: true);
        Assert.Equal([1, 2, 3, 4], ReadAll(fs, $"{Dir}/f"));
    }

    [Fact]
    public void An_open_file_stays_readable_after_its_name_is_deleted()
    {
        var fs = NewFs();
        Write(fs, $"{Dir}/f", [5, 6], sync: true);
        using var open = fs.OpenRead($"{Dir}/f");
        fs.Delete($"{Dir}/f");
        Assert.False(fs.Exists($"{Dir}/f"));
        var buffer = new byte[2];
        Assert.Equal(2, open.ReadAt(0, buffer));
        Assert.Equal([5, 6], buffer);
        Assert.Throws<FileNotFoundException>(() => fs.OpenRead($"{Dir}/f"));
        Assert.Throws<DirectoryNotFoundException>(() => fs.CreateForWrite("/nowhere/f"));
    }

    /// <summary>
    /// Any sequence of appends and syncs, then a torn crash: the file holds at least every synced byte, and whatever
    /// survives is a prefix of what was written (a disk may persist part of an unsynced tail, never other bytes).
    /// </summary>
    [Fact]
    public void After_a_torn_crash_a_file_is_its_synced_bytes_plus_a_prefix_of_the_rest()
    {
        Gen.Select(Gen.Byte.Array[0, 20].Array[1, 12], Gen.Bool.Array[12], Gen.Int).Sample((chunks, syncs, seed) =>
        {
            var fs = NewFs();
            var written = new List<byte>();
            int synced = 0;
            using (var file = fs.CreateForWrite($"{Dir}/f"))
            {
                for (int i = 0; i < chunks.Length; i++)
                {
                    file.Write(chunks[i]);
                    written.AddRange(chunks[i]);
                    if (syncs[i])
                    {
                        file.Sync();
                        synced = written.Count;
                    }
                }
            }
            fs.SyncDirectory(Dir);
            fs.Crash(new Random(seed), tornWrites: true);
            var after = ReadAll(fs, $"{Dir}/f");
            Assert.InRange(after.Length, synced, written.Count);
            Assert.Equal(written.Take(after.Length), after);
        });
    }

    [Fact]
    public void An_sstable_written_and_published_on_it_reads_back_after_a_crash()
    {
        var fs = NewFs();
        var partitions = TestData.SortPartitions(Enumerable.Range(0, 200).Select(i =>
            new TestPartition(BitConverter.GetBytes(i), DeletionTime.Live, [],
                [new Row([1], LivenessInfo.At(i + 1), DeletionTime.Live, [Cell.Live(0, i + 1, BitConverter.GetBytes(i * 7))])])));
        TestData.Write(fs, Dir, 1, partitions).Dispose();

        fs.Crash(new Random(3), tornWrites: true);

        using var reader = SSTableReader.Open(fs, Dir, 1);
        foreach (var p in partitions)
        {
            var read = reader.ReadPartition(p.Key, ClusteringSlice.All, false);
            Assert.NotNull(read);
            TestData.AssertRowsEqual(p.Rows, read!.Rows.ToList());
        }
    }
}

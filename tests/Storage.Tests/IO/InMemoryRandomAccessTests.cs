using RingStore.Storage.IO;

namespace RingStore.Storage.Tests.IO;

/// <summary>
/// Random-access files of the in-memory file system under its crash model: synced overwrites stay, unsynced ones are
/// undone (block by block, some or all, with torn writes), gaps read as zeros, and directories list and delete.
/// </summary>
public class InMemoryRandomAccessTests
{
    private static byte[] Filled(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    private static byte[] Contents(InMemoryFileSystem fs, string path)
    {
        using var file = fs.OpenForUpdate(path);
        var bytes = new byte[file.Length];
        Assert.Equal(bytes.Length, file.ReadAt(0, bytes));
        return bytes;
    }

    [Fact]
    public void A_synced_overwrite_survives_a_crash_and_an_unsynced_one_is_undone()
    {
        var fs = new InMemoryFileSystem();
        fs.CreateDirectory("/d");
        using (var file = fs.OpenForUpdate("/d/f"))
        {
            file.WriteAt(0, Filled(2048, 1));
            file.Sync();
            file.WriteAt(512, Filled(512, 2));
            file.Sync(); // durable
            file.WriteAt(1024, Filled(700, 3)); // overwrites synced bytes, never synced
            file.WriteAt(2048, Filled(100, 4)); // grows, never synced
        }
        fs.SyncDirectory("/d");
        fs.Crash(new Random(1), tornWrites: false);
        var expected = Filled(2048, 1);
        Array.Fill(expected, (byte)2, 512, 512);
        Assert.Equal(expected, Contents(fs, "/d/f"));
    }

    [Fact]
    public void Torn_overwrites_keep_each_block_old_or_new_and_never_a_mix_within_a_block()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var fs = new InMemoryFileSystem();
            fs.CreateDirectory("/d");
            using (var file = fs.OpenForUpdate("/d/f"))
            {
                file.WriteAt(0, Filled(4096, 1));
                file.Sync();
                file.WriteAt(0, Filled(4096, 2));
            }
            fs.SyncDirectory("/d");
            fs.Crash(new Random(seed), tornWrites: true);
            var bytes = Contents(fs, "/d/f");
            Assert.Equal(4096, bytes.Length);
            for (int block = 0; block < 8; block++)
            {
                var span = bytes.AsSpan(block * 512, 512);
                Assert.True(span.IndexOfAnyExcept(span[0]) < 0 && span[0] is 1 or 2, $"seed {seed} block {block}");
            }
        }
    }

    [Fact]
    public void Writing_past_the_end_reads_the_gap_as_zeros_and_a_new_name_needs_a_directory_sync()
    {
        var fs = new InMemoryFileSystem();
        fs.CreateDirectory("/d");
        using (var file = fs.OpenForUpdate("/d/f"))
        {
            file.WriteAt(1000, Filled(10, 7));
            file.Sync();
            Assert.Equal(1010, file.Length);
        }
        var bytes = Contents(fs, "/d/f");
        Assert.True(bytes.AsSpan(0, 1000).IndexOfAnyExcept((byte)0) < 0);
        fs.Crash(new Random(2), tornWrites: false);
        Assert.False(fs.Exists("/d/f")); // synced bytes, but the directory never was
    }

    [Fact]
    public void Directories_list_and_delete_with_everything_under_them()
    {
        var fs = new InMemoryFileSystem();
        fs.CreateDirectory("/r/g2/log-commits");
        fs.CreateDirectory("/r/g3");
        using (var file = fs.OpenForUpdate("/r/g2/log-commits/slot.0")) file.Sync();
        fs.SyncDirectory("/r/g2/log-commits");
        Assert.Equal(["/r/g2", "/r/g3"], fs.ListDirectories("/r"));
        fs.DeleteDirectory("/r/g2");
        Assert.Equal(["/r/g3"], fs.ListDirectories("/r"));
        Assert.False(fs.Exists("/r/g2/log-commits/slot.0"));
        fs.Crash(new Random(3), tornWrites: false);
        Assert.False(fs.Exists("/r/g2/log-commits/slot.0")); // deleting a directory is durable at once
    }
}

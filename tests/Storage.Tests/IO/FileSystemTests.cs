using RingStore.Storage.IO;

namespace RingStore.Storage.Tests.IO;

public sealed class FileSystemTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string P(string name) => Path.Combine(_dir.Path, name);

    [Fact]
    public void Physical_file_system_writes_reads_renames_lists_and_deletes()
    {
        var fs = PhysicalFileSystem.Instance;
        using (var w = fs.CreateForWrite(P("a.tmp")))
        {
            w.Write([1, 2, 3, 4, 5]);
            Assert.Equal(5, w.Position);
            w.Sync();
        }
        fs.Rename(P("a.tmp"), P("a"));
        fs.SyncDirectory(_dir.Path);
        Assert.False(fs.Exists(P("a.tmp")));
        Assert.True(fs.Exists(P("a")));
        Assert.Equal(5, fs.GetLength(P("a")));
        Assert.Equal([P("a")], fs.ListFiles(_dir.Path));

        using (var r = fs.OpenRead(P("a")))
        {
            Assert.Equal(5, r.Length);
            var buf = new byte[3];
            r.ReadExactlyAt(2, buf);
            Assert.Equal([3, 4, 5], buf);
            Assert.Equal(0, r.ReadAt(5, buf));
            Assert.Throws<EndOfStreamException>(() => r.ReadExactlyAt(4, buf));
        }
        fs.Delete(P("a"));
        fs.Delete(P("a")); // missing is fine
        Assert.Empty(fs.ListFiles(_dir.Path));
        Assert.Empty(fs.ListFiles(P("missing-dir")));
    }

    [Fact]
    public void Writes_fail_like_a_full_disk_after_the_budget_and_tear_the_failing_write()
    {
        var fs = new FaultInjectingFileSystem(PhysicalFileSystem.Instance) { FailWritesAfterBytes = 10 };
        using (var w = fs.CreateForWrite(P("f")))
        {
            w.Write(new byte[6]);
            Assert.Throws<IOException>(() => w.Write(new byte[6]));
            Assert.Throws<IOException>(() => w.Write(new byte[1]));
            w.Sync();
        }
        Assert.Equal(10, fs.GetLength(P("f"))); // 6 + the 4 bytes that fit

        fs.FailWritesAfterBytes = fs.BytesWritten + 3;
        fs.TearFailingWrite = false;
        using (var w = fs.CreateForWrite(P("g")))
            Assert.Throws<IOException>(() => w.Write(new byte[5]));
        Assert.Equal(0, fs.GetLength(P("g")));
    }

    [Fact]
    public void Sync_and_rename_faults_throw_and_flipped_bytes_read_back_inverted()
    {
        var fs = new FaultInjectingFileSystem(PhysicalFileSystem.Instance) { FailSync = true, FailRename = true };
        using (var w = fs.CreateForWrite(P("h")))
        {
            w.Write([10, 20, 30, 40]);
            Assert.Throws<IOException>(w.Sync);
        }
        Assert.Throws<IOException>(() => fs.SyncDirectory(_dir.Path));
        Assert.Throws<IOException>(() => fs.Rename(P("h"), P("i")));

        fs.FlipByteOnRead(P("h"), 2);
        using var r = fs.OpenRead(P("h"));
        var buf = new byte[4];
        r.ReadExactlyAt(0, buf);
        Assert.Equal(new byte[] { 10, 20, 30 ^ 0xFF, 40 }, buf);
        var tail = new byte[2];
        r.ReadExactlyAt(2, tail);
        Assert.Equal(new byte[] { 30 ^ 0xFF, 40 }, tail);
        fs.ClearFaults();
        r.ReadExactlyAt(0, buf);
        Assert.Equal(new byte[] { 10, 20, 30, 40 }, buf);
    }
}

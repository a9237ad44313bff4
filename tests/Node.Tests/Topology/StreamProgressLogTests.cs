using RingStore.Node.Streaming;

namespace RingStore.Node.Tests.Topology;

public sealed class StreamProgressLogTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ringstore-progress-" + Guid.NewGuid().ToString("N"));

    private string LogPath => Path.Combine(_dir, "nested", "bootstrap.progress");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static readonly StreamItem A = new("ks.t", -100, 0);
    private static readonly StreamItem B = new("ks.t", 0, 100);
    private static readonly StreamItem C = new("ks.u", long.MinValue, long.MaxValue);

    [Fact]
    public void MarkDone_persists_across_reopen()
    {
        using (var log = StreamProgressLog.Open(LogPath))
        {
            Assert.Equal(0, log.CompletedCount);
            Assert.False(log.IsDone(A));
            log.MarkDone(A);
            log.MarkDone(C);
            log.MarkDone(A); // idempotent
            Assert.True(log.IsDone(A));
            Assert.True(log.IsDone(C));
            Assert.False(log.IsDone(B));
            Assert.Equal(2, log.CompletedCount);
        }
        Assert.Equal(2, File.ReadAllLines(LogPath).Length);
        using (var log = StreamProgressLog.Open(LogPath))
        {
            Assert.Equal(2, log.CompletedCount);
            Assert.True(log.IsDone(A));
            Assert.True(log.IsDone(C));
            Assert.False(log.IsDone(B));
            Assert.False(log.IsDone(A with { Table = "ks.other" }));
            log.MarkDone(B);
        }
        using (var log = StreamProgressLog.Open(LogPath))
        {
            Assert.Equal(3, log.CompletedCount);
            Assert.True(log.IsDone(B));
        }
    }

    [Theory]
    [InlineData("ks.t|0|10")]      // torn inside the entry
    [InlineData("ks.t|0|10;")]     // entry complete, newline not written
    [InlineData("ks.t|0|1")]
    public void A_torn_last_line_is_ignored_and_later_entries_still_persist(string torn)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LogPath)!);
        File.WriteAllText(LogPath, "ks.t|-100|0;\n" + torn);
        bool tornCounts = torn.EndsWith(';');
        using (var log = StreamProgressLog.Open(LogPath))
        {
            Assert.True(log.IsDone(A));
            Assert.Equal(tornCounts ? 2 : 1, log.CompletedCount);
            Assert.False(log.IsDone(B));
            log.MarkDone(B);
            Assert.True(log.IsDone(B));
        }
        using (var log = StreamProgressLog.Open(LogPath))
        {
            Assert.True(log.IsDone(A));
            Assert.True(log.IsDone(B), "an entry appended after a torn line must survive a reopen");
            Assert.Equal(tornCounts ? 3 : 2, log.CompletedCount);
        }
    }

    [Fact]
    public void Delete_removes_the_file()
    {
        using (var log = StreamProgressLog.Open(LogPath))
        {
            log.MarkDone(A);
            Assert.Equal(LogPath, log.Path);
        }
        Assert.True(File.Exists(LogPath));
        StreamProgressLog.Delete(LogPath);
        Assert.False(File.Exists(LogPath));
        StreamProgressLog.Delete(LogPath); // absent: no error
        using var fresh = StreamProgressLog.Open(LogPath);
        Assert.Equal(0, fresh.CompletedCount);
        Assert.False(fresh.IsDone(A));
    }
}

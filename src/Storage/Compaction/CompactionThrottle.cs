using System.Diagnostics;

namespace RingStore.Storage.Compaction;

/// <summary>
/// Caps compaction's write rate (MiB/s) so it does not starve foreground reads and writes of disk
/// bandwidth: after each chunk it sleeps until the bytes written fit the budget.
/// </summary>
public sealed class CompactionThrottle
{
    private readonly double _bytesPerSecond;
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _bytes;

    public CompactionThrottle(double mibPerSecond) => _bytesPerSecond = mibPerSecond * 1024 * 1024;

    public bool Enabled => _bytesPerSecond > 0;

    public void Account(long bytes, CancellationToken ct)
    {
        if (!Enabled) return;
        _bytes += bytes;
        double due = _bytes / _bytesPerSecond;
        double elapsed = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        if (due > elapsed + 0.005)
            ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(due - elapsed));
    }
}

using System.Diagnostics;

namespace RingStore.Bench.Load;

/// <summary>
/// The open-loop schedule shared by the paced drivers: with N loops offering <c>rate</c> requests per second, loop i
/// sends its k-th request at start + (i + k * N) / rate (Stopwatch ticks). Latency is measured from that scheduled
/// time, not the actual send, so a stall that delays later requests shows up in their latency (no coordinated omission).
/// </summary>
public readonly record struct PacedSchedule(long StartTimestamp, int Loops, double RatePerSecond)
{
    public long TimestampOf(int loop, long k) =>
        StartTimestamp + (long)((loop + k * (double)Loops) * Stopwatch.Frequency / RatePerSecond);

    /// <summary>Waits until the scheduled time (no wait when it has passed: the loop is behind and sends at once).</summary>
    public static async Task WaitUntilAsync(long timestamp, CancellationToken ct)
    {
        long wait = timestamp - Stopwatch.GetTimestamp();
        if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct).ConfigureAwait(false);
    }
}

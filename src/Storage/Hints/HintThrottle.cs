namespace RingStore.Storage.Hints;

/// <summary>
/// Pure pacing rule for replay: bytes already sent may not run ahead of <c>rate x elapsed</c>. Before sending the
/// next hint we wait until the bytes sent so far are "paid for", so the first hint goes at once and a replay of X KiB
/// at Y KiB/s takes about (X - last hint) / Y seconds. Pacing from the replay's start (not hint by hint) means time
/// spent on disk reads or slow acknowledgements counts toward the budget instead of adding to it.
/// </summary>
internal static class HintThrottle
{
    /// <param name="bytesSent">Hint bytes sent so far in this replay.</param>
    /// <param name="elapsed">Time since the replay started.</param>
    /// <param name="kiBPerSecond">Rate limit; 0 or less = unlimited.</param>
    /// <returns>How long to wait before the next send (zero when within budget).</returns>
    public static TimeSpan DelayBeforeNextSend(long bytesSent, TimeSpan elapsed, int kiBPerSecond)
    {
        if (kiBPerSecond <= 0 || bytesSent <= 0)
            return TimeSpan.Zero;
        // Ticks avoid double rounding drift: due = bytes / (KiB/s * 1024) seconds.
        decimal dueTicks = bytesSent * (decimal)TimeSpan.TicksPerSecond / (kiBPerSecond * 1024m);
        decimal waitTicks = Math.Ceiling(dueTicks) - elapsed.Ticks;
        if (waitTicks <= 0)
            return TimeSpan.Zero;
        return waitTicks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)waitTicks);
    }
}

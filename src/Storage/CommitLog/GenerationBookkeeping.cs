namespace RingStore.Storage.CommitLog;

/// <summary>
/// Pure rules over the live generations (oldest first, the last one is where appends go): which ones a release
/// deletes, how many bytes the log holds, and where to release to so it shrinks to a given size. No I/O.
/// </summary>
internal static class GenerationBookkeeping
{
    /// <summary>
    /// The generations a release up to <paramref name="release"/> deletes: every one older than the generation the
    /// release position lies in, never the last (appends go there). A release position in a later generation means
    /// every table has flushed past the last entry of the earlier ones (the engine releases up to the lowest position
    /// any unflushed memtable may hold), so nothing in them is needed any more.
    /// </summary>
    public static IReadOnlyList<int> Deletable(IReadOnlyList<GenerationSpan> live, long release)
    {
        ArgumentNullException.ThrowIfNull(live);
        int releaseGeneration = GenerationPositions.GenerationOf(release);
        var result = new List<int>();
        for (int i = 0; i < live.Count - 1; i++)
        {
            if (live[i].Generation < releaseGeneration)
                result.Add(live[i].Generation);
        }
        return result;
    }

    /// <summary>Bytes not yet released in all generations together (what the commit-log size cap limits).</summary>
    public static long TotalBytes(IReadOnlyList<GenerationSpan> live)
    {
        ArgumentNullException.ThrowIfNull(live);
        long total = 0;
        foreach (var span in live) total += span.Bytes;
        return total;
    }

    /// <summary>
    /// The position below which the oldest bytes lie once only <paramref name="keepBytes"/> of the newest are kept:
    /// releasing up to it leaves at most that many. Walks back from the tail across generations; when the newest
    /// generations hold fewer bytes than that, the answer is the begin of the oldest (nothing needs releasing).
    /// </summary>
    public static long PositionKeeping(IReadOnlyList<GenerationSpan> live, long keepBytes)
    {
        ArgumentNullException.ThrowIfNull(live);
        if (live.Count == 0) return 0;
        long left = Math.Max(0, keepBytes);
        for (int i = live.Count - 1; i >= 0; i--)
        {
            if (live[i].Bytes >= left)
                return live[i].Tail - left;
            left -= live[i].Bytes;
        }
        return live[0].Begin;
    }

    /// <summary>Generation numbers in replay order (numeric, so g10 comes after g9).</summary>
    public static IReadOnlyList<int> ReplayOrder(IEnumerable<int> generations) => generations.Distinct().Order().ToArray();
}

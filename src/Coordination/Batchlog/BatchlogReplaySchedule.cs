namespace RingStore.Coordination.Batchlog;

/// <summary>A batchlog entry as the replay schedule sees it: its id and when its coordinator wrote it.</summary>
public readonly record struct BatchlogEntryTime(Guid Id, long WrittenAtMicros);

/// <summary>
/// Which local batchlog entries a node replays now (Cassandra's BatchlogManager rule): those written at least
/// <c>timeout</c> ago. A live coordinator removes its entry as soon as the batch is applied, well within a write
/// timeout; an entry still there after twice that belongs to a batch whose coordinator died or whose write failed
/// (Unavailable, timeout), and is replayed. Replaying a batch that is in fact applied is harmless: the mutations
/// carry their timestamps, so writing them again changes nothing. Entries stamped in the future (a coordinator
/// clock ahead of ours) wait until they are that old by our clock. Pure: the caller passes the time.
/// </summary>
public static class BatchlogReplaySchedule
{
    /// <summary>Cassandra's default: entries older than twice the write timeout are replayed.</summary>
    public static TimeSpan DefaultTimeout(TimeSpan writeTimeout) => writeTimeout * 2;

    public static bool IsDue(long writtenAtMicros, DateTimeOffset now, TimeSpan timeout)
    {
        long nowMicros = now.ToUnixTimeMilliseconds() * 1000 + now.Microsecond;
        return nowMicros - writtenAtMicros >= (long)(timeout.Ticks / TimeSpan.TicksPerMicrosecond);
    }

    /// <summary>The entries due at <paramref name="now"/>, oldest first.</summary>
    public static IReadOnlyList<BatchlogEntryTime> Due(IEnumerable<BatchlogEntryTime> entries, DateTimeOffset now, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        return [.. entries.Where(e => IsDue(e.WrittenAtMicros, now, timeout)).OrderBy(e => e.WrittenAtMicros).ThenBy(e => e.Id)];
    }
}

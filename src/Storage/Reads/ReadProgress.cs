using RingStore.Core.Data;

namespace RingStore.Storage.Reads;

/// <summary>
/// Watches one read's row loop: counts the rows it pulls (into a table metric, as it goes, so a read that runs on is
/// visible while it runs) and stops it with <see cref="OperationCanceledException"/> once its token fires, checking
/// every <see cref="CheckInterval"/> rows: a replica whose request expired stops within a few microseconds' work
/// instead of finishing a scan for no one. Not thread-safe: one read, one thread (the merge pulls its sources in turn).
/// </summary>
public sealed class ReadProgress(CancellationToken cancellationToken, Action<long> record)
{
    /// <summary>Rows between two looks at the token and two metric updates: cheap enough per row, prompt enough per read.</summary>
    public const int CheckInterval = 64;

    private long _unrecorded;

    /// <summary>Rows of <paramref name="rows"/> as they are pulled, counted and checked.</summary>
    public IEnumerable<Row> Observe(IEnumerable<Row> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows)
        {
            if (++_unrecorded == CheckInterval) Check();
            yield return row;
        }
    }

    /// <summary>Records the rows counted so far and throws if the read was cancelled; also between partitions.</summary>
    public void Check()
    {
        Flush();
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Records the rows not yet recorded (call when the read ends, whichever way).</summary>
    public void Flush()
    {
        if (_unrecorded == 0) return;
        record(_unrecorded);
        _unrecorded = 0;
    }
}

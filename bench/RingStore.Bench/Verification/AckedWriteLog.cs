namespace RingStore.Bench.Verification;

/// <summary>Every acknowledged write of a run, appended by the load loops; reads pick earlier ones at random.</summary>
public sealed class AckedWriteLog
{
    private readonly List<AckedWrite> _writes = [];
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock) return _writes.Count;
        }
    }

    public void Add(AckedWrite write)
    {
        lock (_lock) _writes.Add(write);
    }

    /// <summary>A uniformly chosen acknowledged write, or null before the first one.</summary>
    public AckedWrite? Pick(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        lock (_lock) return _writes.Count == 0 ? null : _writes[random.Next(_writes.Count)];
    }

    public IReadOnlyList<AckedWrite> Snapshot()
    {
        lock (_lock) return [.. _writes];
    }
}

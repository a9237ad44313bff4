namespace RingStore.Storage.Hints;

/// <summary>Process-lifetime totals of the hint store (not persisted; a restart starts from zero).</summary>
internal sealed class HintCounters
{
    private long _stored, _delivered, _dropped, _corrupt;

    public long Stored => Interlocked.Read(ref _stored);
    public long Delivered => Interlocked.Read(ref _delivered);
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Corrupt => Interlocked.Read(ref _corrupt);

    public void AddStored() => Interlocked.Increment(ref _stored);
    public void AddDelivered() => Interlocked.Increment(ref _delivered);
    public void AddDropped() => Interlocked.Increment(ref _dropped);
    public void AddCorrupt(long count = 1) => Interlocked.Add(ref _corrupt, count);
}

namespace RingStore.Storage.Memtables;

/// <summary>
/// The memtable bytes of every table of one engine, kept as one counter so the write path can check the overall
/// budget without visiting every table. Each <see cref="Memtable"/> adds what it grows by and gives its whole size
/// back once when it leaves its table's view (flushed, found empty, truncated, dropped). Writers held back by the
/// budget wait on <see cref="Freed"/>, completed each time memory is given back.
/// </summary>
public sealed class MemtableMemory
{
    private long _bytes;
    private TaskCompletionSource _freed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Memtable bytes (estimated, as <see cref="Memtable.EstimatedSizeBytes"/>) held now by all tables.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Completes the next time memory is given back. Take it before checking <see cref="Bytes"/> so no signal is missed.</summary>
    public Task Freed => Volatile.Read(ref _freed).Task;

    internal void Add(long delta) => Interlocked.Add(ref _bytes, delta);

    internal void Free(long bytes)
    {
        Interlocked.Add(ref _bytes, -bytes);
        Interlocked.Exchange(ref _freed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}

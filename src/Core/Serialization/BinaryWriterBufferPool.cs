using System.Collections.Concurrent;
namespace RingStore.Core.Serialization;

/// <summary>
/// Reusable buffers to serialize mutations into (the commit-log payload, whose row encodings the memtable then
/// copies). A write holds its buffer across the commit-log await, and its continuation usually runs on another
/// thread, so a per-thread cache does not work: with hundreds of writes in flight every rent found the thread's
/// slot empty and allocated a fresh 16 KiB buffer (~22 KB of garbage per replica write in the cluster benchmark).
/// This is a bounded pool shared by all threads instead. Buffers keep the capacity they grew to, up to
/// <see cref="MaxPooledBytes"/>; larger ones (a rare huge mutation) are dropped so they do not pin memory, and at
/// most <see cref="MaxPooled"/> buffers are kept.
/// </summary>
public sealed class BinaryWriterBufferPool
{
    public const int MaxPooledBytes = 64 * 1024;
    public const int MaxPooled = 256;
    private const int InitialBytes = 1024;

    private readonly ConcurrentQueue<BinaryWriterBuffer> _buffers = new();
    private int _count;

    /// <summary>The process-wide pool (the storage engine and memtables serialize mutations into it).</summary>
    public static BinaryWriterBufferPool Shared { get; } = new();

    /// <summary>Buffers waiting in the pool.</summary>
    public int PooledCount => Volatile.Read(ref _count);

    /// <summary>An empty buffer, from the pool when it has one.</summary>
    public BinaryWriterBuffer Rent()
    {
        if (_buffers.TryDequeue(out var buffer))
        {
            Interlocked.Decrement(ref _count);
            return buffer;
        }
        return new BinaryWriterBuffer(InitialBytes);
    }

    /// <summary>Gives a buffer back; the caller must not touch it (or memory it handed out) afterwards.</summary>
    public void Return(BinaryWriterBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Capacity > MaxPooledBytes) return;
        if (Interlocked.Increment(ref _count) > MaxPooled)
        {
            Interlocked.Decrement(ref _count);
            return;
        }
        buffer.Clear();
        _buffers.Enqueue(buffer);
    }
}

using RingStore.Core.Serialization;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// Reusable buffers to serialize commit-log payloads into. A 100-row mutation is ~11 KiB: built in a
/// fresh growable buffer it cost a chain of array doublings plus a final copy per write, which was the
/// largest item of the batch-write profile. One buffer is cached per thread; a writer takes it out for
/// the whole append (which may await), so two writers never share one. Buffers that grew past
/// <see cref="MaxCachedBytes"/> are dropped instead of cached, so a rare huge mutation does not pin memory.
/// </summary>
internal static class PayloadBufferCache
{
    internal const int MaxCachedBytes = 1 << 20;
    private const int InitialBytes = 16 * 1024;

    [ThreadStatic] private static BinaryWriterBuffer? t_cached;

    public static BinaryWriterBuffer Rent()
    {
        var buffer = t_cached;
        if (buffer is null) return new BinaryWriterBuffer(InitialBytes);
        t_cached = null;
        return buffer;
    }

    public static void Return(BinaryWriterBuffer buffer)
    {
        if (buffer.Capacity > MaxCachedBytes) return;
        buffer.Clear();
        t_cached = buffer;
    }
}

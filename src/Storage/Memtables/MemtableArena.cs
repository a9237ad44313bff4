namespace RingStore.Storage.Memtables;

/// <summary>
/// Append-only byte chunks holding one memtable's encoded rows. Keeping rows as bytes in a few large arrays
/// instead of as Row/Cell objects means a write's objects die young: the garbage collector no longer copies
/// every memtable row from generation 0 to 1 to 2 before the flush frees it (a quarter of the batch-write
/// profile). Chunks are large-object-heap arrays, never moved, freed with the memtable. Thread-safe: writers
/// reserve space with an atomic bump; bytes once written never change, so readers need no lock.
/// </summary>
internal sealed class MemtableArena
{
    internal const int ChunkBytes = 1 << 20;

    private readonly object _gate = new();
    private Chunk? _current;
    private long _allocatedBytes;

    /// <summary>Bytes of chunks allocated so far (what the arena costs in memory).</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    /// <summary>Copies <paramref name="bytes"/> into the arena; returns the chunk and offset holding them.</summary>
    public (byte[] Chunk, int Offset) Copy(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > ChunkBytes / 4)
        {
            // A large run gets an array of its own rather than ending the shared chunk early.
            var own = GC.AllocateUninitializedArray<byte>(bytes.Length);
            bytes.CopyTo(own);
            Interlocked.Add(ref _allocatedBytes, own.Length);
            return (own, 0);
        }
        while (true)
        {
            var chunk = Volatile.Read(ref _current);
            if (chunk is not null)
            {
                int end = Interlocked.Add(ref chunk.Used, bytes.Length);
                if (end <= chunk.Bytes.Length && end >= bytes.Length)
                {
                    int offset = end - bytes.Length;
                    bytes.CopyTo(chunk.Bytes.AsSpan(offset));
                    return (chunk.Bytes, offset);
                }
            }
            lock (_gate)
            {
                // Only the first writer to find the chunk full replaces it; the rest retry on the new one.
                if (ReferenceEquals(_current, chunk))
                {
                    Volatile.Write(ref _current, new Chunk(GC.AllocateUninitializedArray<byte>(ChunkBytes)));
                    Interlocked.Add(ref _allocatedBytes, ChunkBytes);
                }
            }
        }
    }

    private sealed class Chunk(byte[] bytes)
    {
        public readonly byte[] Bytes = bytes;
        public int Used;
    }
}

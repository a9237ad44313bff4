using System.Collections.Concurrent;

namespace RingStore.Storage.SSTables;

/// <summary>
/// The node's cache of decompressed, checksum-verified Data chunks (Cassandra's chunk cache), shared by every SSTable
/// of every table, bounded to <see cref="CapacityBytes"/> of chunk bytes.
/// <para>
/// Keyed by (file id, chunk index): the file id is unique per opened Data file for the life of the process
/// (<see cref="NewFileId"/>), never reused, so a chunk of an SSTable that compaction deleted (or of an older file that
/// had the same generation) can never be served for another file; <see cref="RemoveFile"/> drops a closed file's
/// chunks at once so they do not wait for eviction to free their memory.
/// </para>
/// <para>
/// Entries are immutable arrays of exactly the chunk's length, filled before they are published and never written
/// again: eviction only drops the cache's reference, so a reader still using a chunk keeps a valid array (the GC frees
/// it after the last reader), and no reference counting or pool return can tear a buffer under a reader. Only chunks
/// whose CRC matched and which decompressed to exactly their length are added, so a corrupt chunk is never cached.
/// </para>
/// <para>
/// A hit is a lock-free <see cref="ConcurrentDictionary{TKey,TValue}"/> lookup plus setting the entry's reference bit
/// (only when clear, so hot entries are not written on every hit). Eviction is CLOCK (second chance) over a queue of
/// entries, run by whichever inserting thread finds the cache over its bound and the eviction lock free (a
/// <c>TryEnter</c>: others never wait for it). The bound holds after every insert that found the lock free; while one
/// thread evicts, concurrent inserts can overshoot it by one chunk each.
/// </para>
/// </summary>
public sealed class ChunkCache
{
    private static long s_nextFileId;

    private readonly ConcurrentDictionary<Key, Entry> _entries = new();
    private readonly ConcurrentQueue<Entry> _clock = new();
    private readonly Lock _evictGate = new();
    private long _bytes, _hits, _misses, _evictions;

    /// <param name="capacityBytes">Most chunk bytes held at once; 0 caches nothing.</param>
    public ChunkCache(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        CapacityBytes = capacityBytes;
    }

    public long CapacityBytes { get; }

    /// <summary>Chunk bytes held now.</summary>
    public long SizeBytes => Interlocked.Read(ref _bytes);

    /// <summary>Chunks held now.</summary>
    public int Count => _entries.Count;

    /// <summary>Lookups that found their chunk.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups that did not (the chunk was then read, verified and decompressed).</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Chunks dropped to keep the bound (not counting those of closed files).</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>A fresh id for a Data file being opened: never given out twice in this process.</summary>
    internal static long NewFileId() => Interlocked.Increment(ref s_nextFileId);

    /// <summary>Whether the chunk is cached (for tests: not counted as a lookup).</summary>
    internal bool Contains(long fileId, long chunkIndex) => _entries.ContainsKey(new Key(fileId, chunkIndex));

    /// <summary>The files that have chunks cached now (for tests).</summary>
    internal IReadOnlySet<long> FileIds() => _entries.Keys.Select(k => k.FileId).ToHashSet();

    /// <summary>The cached chunk, or null (counted as a miss).</summary>
    internal byte[]? TryGet(long fileId, long chunkIndex)
    {
        if (_entries.TryGetValue(new Key(fileId, chunkIndex), out var entry) && entry.Data is { } data)
        {
            if (Volatile.Read(ref entry.Referenced) == 0) Volatile.Write(ref entry.Referenced, 1);
            Interlocked.Increment(ref _hits);
            return data;
        }
        Interlocked.Increment(ref _misses);
        return null;
    }

    /// <summary>
    /// Adds a verified, decompressed chunk. The caller must never write to <paramref name="chunk"/> again (readers share
    /// it). Does nothing when the chunk is already there (two readers missed it at once) or larger than the cache.
    /// </summary>
    internal void Add(long fileId, long chunkIndex, byte[] chunk)
    {
        if (chunk.Length > CapacityBytes) return;
        var entry = new Entry(new Key(fileId, chunkIndex), chunk);
        if (!_entries.TryAdd(entry.Key, entry)) return;
        Interlocked.Add(ref _bytes, chunk.Length);
        _clock.Enqueue(entry);
        if (Interlocked.Read(ref _bytes) > CapacityBytes) EvictOverBound();
    }

    /// <summary>Drops every chunk of a closed file (<paramref name="chunkCount"/> chunks).</summary>
    internal void RemoveFile(long fileId, long chunkCount)
    {
        if (_entries.IsEmpty) return;
        for (long i = 0; i < chunkCount; i++)
            if (_entries.TryRemove(new Key(fileId, i), out var entry)) Forget(entry);
        // Removed entries stay in the clock queue until eviction passes them; without evictions (a cache larger than
        // the data) a churn of files would grow it, so it is swept when mostly stale.
        if (_clock.Count > 2 * _entries.Count + 1024 && _evictGate.TryEnter())
        {
            try
            {
                for (int n = _clock.Count; n > 0 && _clock.TryDequeue(out var e); n--)
                    if (e.Data is not null) _clock.Enqueue(e);
            }
            finally
            {
                _evictGate.Exit();
            }
        }
    }

    private void EvictOverBound()
    {
        if (!_evictGate.TryEnter()) return; // another thread is evicting
        try
        {
            // Each live entry is passed at most twice (once to clear its bit, once to evict it), so this ends.
            while (Interlocked.Read(ref _bytes) > CapacityBytes && _clock.TryDequeue(out var entry))
            {
                if (entry.Data is null) continue; // its file was closed
                if (Volatile.Read(ref entry.Referenced) != 0)
                {
                    Volatile.Write(ref entry.Referenced, 0);
                    _clock.Enqueue(entry);
                    continue;
                }
                if (_entries.TryRemove(new KeyValuePair<Key, Entry>(entry.Key, entry)))
                {
                    Forget(entry);
                    Interlocked.Increment(ref _evictions);
                }
            }
        }
        finally
        {
            _evictGate.Exit();
        }
    }

    /// <summary>Accounts for an entry that left the dictionary (exactly once: only the thread that removed it calls this).</summary>
    private void Forget(Entry entry)
    {
        Interlocked.Add(ref _bytes, -entry.Data!.Length);
        entry.Data = null; // readers that already hold the array keep it; the queue no longer pins it
    }

    private readonly record struct Key(long FileId, long ChunkIndex);

    private sealed class Entry(Key key, byte[] data)
    {
        public readonly Key Key = key;
        public volatile byte[]? Data = data;
        public int Referenced;
    }
}

namespace RingStore.Gossip.FailureDetection;

/// <summary>
/// Storage shared by one detector's arrival windows: each window's intervals are a FIFO queue of 16-int chunks
/// carved from 16 KiB int arrays (slot 0 of a chunk links to the next chunk, slots 1-15 hold intervals).
/// </summary>
/// <remarks>
/// A node holds a window per peer, so a 5,000-node simulation holds 25 M of them, all filling at the same pace.
/// Per-window arrays that double as they fill were copied, promoted and abandoned by the GC in waves (40% of the
/// simulator's time at 1,000 nodes) and left up to half their space unused. Chunks never move, hold no
/// references for the GC to scan, waste at most 14 slots per window, and return to a free list when a window
/// drops its oldest interval or is removed.
/// </remarks>
internal sealed class IntervalChunkPool
{
    /// <summary>Ints per chunk: a link and <see cref="IntervalsPerChunk"/> intervals.</summary>
    public const int ChunkInts = 16;

    public const int IntervalsPerChunk = ChunkInts - 1;

    public const int NoChunk = -1;

    private const int ChunksPerSlab = 256;

    private readonly List<int[]> _slabs = [];
    private int _carved;
    private int _freeHead = NoChunk;

    /// <summary>A chunk whose link is <see cref="NoChunk"/>; its interval slots hold garbage until written.</summary>
    public int Allocate()
    {
        int chunk;
        if (_freeHead != NoChunk)
        {
            chunk = _freeHead;
            _freeHead = Link(chunk);
        }
        else
        {
            if (_carved == _slabs.Count * ChunksPerSlab)
            {
                _slabs.Add(new int[ChunksPerSlab * ChunkInts]);
            }
            chunk = _carved++;
        }
        Link(chunk) = NoChunk;
        return chunk;
    }

    public void Free(int chunk)
    {
        Link(chunk) = _freeHead;
        _freeHead = chunk;
    }

    /// <summary>The next chunk of the queue this chunk belongs to.</summary>
    public ref int Link(int chunk) => ref Slot(chunk, 0);

    /// <summary>Slot 1..<see cref="IntervalsPerChunk"/> of a chunk.</summary>
    public ref int Slot(int chunk, int slot) => ref _slabs[chunk / ChunksPerSlab][(chunk % ChunksPerSlab * ChunkInts) + slot];
}

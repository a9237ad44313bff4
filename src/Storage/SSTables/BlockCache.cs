namespace RingStore.Storage.SSTables;

/// <summary>
/// A tiny cache of verified block payloads for one blocked file, replaced round-robin. Its main job
/// is that a point read touches the block holding a partition's header and then its rows (and the
/// Index block before that) without reading and checksumming them twice; hot partitions stay in it.
/// Bounded to <see cref="Capacity"/> blocks per file. Payload arrays are never mutated once cached,
/// so readers share them without copying.
/// </summary>
internal sealed class BlockCache(int capacity)
{
    private readonly long[] _indexes = Enumerable.Repeat(-1L, Math.Max(capacity, 0)).ToArray();
    private readonly byte[]?[] _payloads = new byte[]?[Math.Max(capacity, 0)];
    private readonly Lock _gate = new();
    private int _next;

    public int Capacity => _indexes.Length;

    public byte[]? TryGet(long blockIndex)
    {
        lock (_gate)
        {
            for (int i = 0; i < _indexes.Length; i++)
                if (_indexes[i] == blockIndex) return _payloads[i];
        }
        return null;
    }

    public void Add(long blockIndex, byte[] payload)
    {
        if (_indexes.Length == 0) return;
        lock (_gate)
        {
            if (Array.IndexOf(_indexes, blockIndex) >= 0) return;
            _indexes[_next] = blockIndex;
            _payloads[_next] = payload;
            _next = (_next + 1) % _indexes.Length;
        }
    }
}

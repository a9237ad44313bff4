using RingStore.Core.Data;

namespace RingStore.Core.Reads;

/// <summary>
/// Applies a partition's range tombstones to rows that arrive in clustering order (or reversed) in one sweep: the
/// tombstones are sorted once by where they open in the read's direction, each opens when the first row inside it
/// arrives and leaves the active set (a heap ordered by where they close) at the first row past it. A row then looks
/// only at the tombstones that cover it, instead of testing every tombstone of the partition (O(rows x tombstones)).
/// Not thread-safe: one per read.
/// </summary>
internal sealed class RangeTombstoneSweep
{
    private readonly RangeTombstone[] _pending;
    private readonly bool _reversed;
    private readonly PriorityQueue<RangeTombstone, RangeTombstone> _active;
    private int _next;

    public RangeTombstoneSweep(IReadOnlyList<RangeTombstone> tombstones, bool reversed)
    {
        _reversed = reversed;
        _pending = [.. tombstones];
        // Forward: open by start, close by end (earliest end on top). Reversed: open by end, latest first; close by start.
        if (!reversed)
        {
            Array.Sort(_pending, (a, b) => BoundOrder.CompareStarts(a.Slice.Start, b.Slice.Start));
            _active = new PriorityQueue<RangeTombstone, RangeTombstone>(
                Comparer<RangeTombstone>.Create((a, b) => BoundOrder.CompareEnds(a.Slice.End, b.Slice.End)));
        }
        else
        {
            Array.Sort(_pending, (a, b) => BoundOrder.CompareEnds(b.Slice.End, a.Slice.End));
            _active = new PriorityQueue<RangeTombstone, RangeTombstone>(
                Comparer<RangeTombstone>.Create((a, b) => BoundOrder.CompareStarts(b.Slice.Start, a.Slice.Start)));
        }
    }

    /// <summary>The strongest deletion among <paramref name="floor"/> and the tombstones covering <paramref name="key"/>.</summary>
    public DeletionTime ShadowOf(byte[] key, DeletionTime floor)
    {
        while (_next < _pending.Length && Opens(_pending[_next], key))
        {
            _active.Enqueue(_pending[_next], _pending[_next]);
            _next++;
        }
        // The top closes first: once it still covers the key, every other active tombstone does too.
        while (_active.TryPeek(out var top, out _) && !Covers(top, key)) _active.Dequeue();
        var shadow = floor;
        foreach (var (rt, _) in _active.UnorderedItems) shadow = DeletionTime.Max(shadow, rt.Deletion);
        return shadow;
    }

    private bool Opens(RangeTombstone rt, byte[] key) => _reversed ? rt.Slice.End.AdmitsAsEnd(key) : rt.Slice.Start.AdmitsAsStart(key);

    private bool Covers(RangeTombstone rt, byte[] key) => _reversed ? rt.Slice.Start.AdmitsAsStart(key) : rt.Slice.End.AdmitsAsEnd(key);
}

namespace RingStore.Storage.Memtables;

/// <summary>
/// The rows of an in-order memtable partition: an append-only array of row references. Appends happen under the
/// partition's lock; a reader captures (<see cref="Items"/>, <see cref="Count"/>) under that lock and may then read
/// those entries without it, because an entry below a captured count is never written again (growing copies the
/// entries to a new array and leaves the captured one as it was). That is what lets a slice decode rows lazily,
/// only as far as the read goes, and still see one consistent snapshot.
/// </summary>
internal sealed class OrderedRowList
{
    private EncodedRowRef[] _items = new EncodedRowRef[4];

    public int Count { get; private set; }

    public EncodedRowRef[] Items => _items;

    public EncodedRowRef this[int i] => i < Count ? _items[i] : throw new ArgumentOutOfRangeException(nameof(i));

    public void EnsureCapacity(int capacity)
    {
        if (capacity <= _items.Length) return;
        var grown = new EncodedRowRef[Math.Max(capacity, _items.Length * 2)];
        Array.Copy(_items, grown, Count);
        _items = grown;
    }

    public void Add(EncodedRowRef row)
    {
        EnsureCapacity(Count + 1);
        _items[Count] = row;
        Count++;
    }
}

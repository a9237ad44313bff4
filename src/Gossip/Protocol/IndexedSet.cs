namespace RingStore.Gossip.Protocol;

/// <summary>Set with O(1) add, remove and uniform random pick: the live and unreachable peer lists.</summary>
internal sealed class IndexedSet
{
    private readonly List<string> _items = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public int Count => _items.Count;

    public IReadOnlyList<string> Items => _items;

    public bool Contains(string item) => _index.ContainsKey(item);

    public bool Add(string item)
    {
        if (!_index.TryAdd(item, _items.Count))
        {
            return false;
        }
        _items.Add(item);
        return true;
    }

    public bool Remove(string item)
    {
        if (!_index.Remove(item, out int i))
        {
            return false;
        }
        string last = _items[^1];
        _items.RemoveAt(_items.Count - 1);
        if (i < _items.Count)
        {
            _items[i] = last;
            _index[last] = i;
        }
        return true;
    }

    public string Pick(Random random) => _items[random.Next(_items.Count)];
}

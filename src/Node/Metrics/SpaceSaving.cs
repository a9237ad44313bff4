namespace RingStore.Node.Metrics;

/// <summary>
/// The Space-Saving heavy-hitter sketch (Metwally, Agrawal, El Abbadi 2005): at most <c>capacity</c> counters; an
/// unseen item takes over the smallest counter and inherits its count as its error bound. Any item whose true count
/// exceeds total/capacity is guaranteed to be present, and each reported count overestimates by at most its
/// <see cref="HeavyHitter{TKey}.Error"/>. The counters are kept in a min-heap by (count, last update), so an update
/// costs O(log capacity) and the capacity can be in the thousands; the heap reuses the evicted counter, so once full an
/// update allocates nothing (every replica write records one: a sorted set allocated a node per update).
/// Pure and not thread-safe (the caller locks).
/// </summary>
public sealed class SpaceSaving<TKey> where TKey : notnull
{
    private sealed class Counter(TKey key, long count, long error, long sequence)
    {
        public TKey Key { get; set; } = key;
        public long Count { get; set; } = count;
        public long Error { get; set; } = error;
        public long Sequence { get; set; } = sequence;
        public int Slot { get; set; }
    }

    private readonly Dictionary<TKey, Counter> _counters;
    private Counter[] _heap;
    private int _size;
    private long _sequence;

    public SpaceSaving(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        Capacity = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));
        _counters = new Dictionary<TKey, Counter>(Math.Min(capacity, 1024) + 1, comparer);
        _heap = new Counter[Math.Min(capacity, 1024)];
    }

    public int Capacity { get; }

    public long Total { get; private set; }

    /// <summary>Every item not tracked was seen at most this many times (0 while the sketch is not full).</summary>
    public long Floor => _size < Capacity || _size == 0 ? 0 : _heap[0].Count;

    /// <summary>A new item is kept by reference: the caller must not modify it afterwards.</summary>
    public void Add(TKey item, long weight = 1)
    {
        Total += weight;
        if (_counters.TryGetValue(item, out var c))
        {
            c.Count += weight;
            c.Sequence = ++_sequence;
            Restore(c.Slot);
            return;
        }
        if (_size < Capacity)
        {
            if (_size == _heap.Length) Array.Resize(ref _heap, Math.Min(Capacity, _heap.Length * 2));
            var fresh = new Counter(item, weight, 0, ++_sequence) { Slot = _size };
            _heap[_size++] = fresh;
            _counters[item] = fresh;
            SiftUp(fresh.Slot);
            return;
        }
        // The smallest counter (the oldest among equals) is taken over by the new item.
        var min = _heap[0];
        _counters.Remove(min.Key);
        min.Key = item;
        min.Error = min.Count;
        min.Count += weight;
        min.Sequence = ++_sequence;
        _counters[item] = min;
        Restore(0);
    }

    /// <summary>
    /// The top <paramref name="n"/> items by estimated count, highest first. An item is
    /// <see cref="HeavyHitter{TKey}.Guaranteed"/> when its lower bound (count - error) exceeds the estimate of every item
    /// not listed (the next counter, and the floor of the untracked ones): it is surely among the true top n.
    /// </summary>
    public IReadOnlyList<HeavyHitter<TKey>> Top(int n)
    {
        var top = _heap.Take(_size).OrderByDescending(c => c.Count).ThenByDescending(c => c.Sequence).Take(n + 1).ToList();
        long next = Math.Max(Floor, top.Count > n ? top[n].Count : 0);
        return top.Take(n).Select(c => new HeavyHitter<TKey>(c.Key, c.Count, c.Error, c.Count - c.Error > next)).ToList();
    }

    private static bool Less(Counter a, Counter b) => a.Count < b.Count || (a.Count == b.Count && a.Sequence < b.Sequence);

    /// <summary>After the counter at <paramref name="slot"/> changed: up if it shrank (a negative weight), down if it grew.</summary>
    private void Restore(int slot) => SiftDown(SiftUp(slot));

    private int SiftUp(int slot)
    {
        var moving = _heap[slot];
        while (slot > 0)
        {
            int parent = (slot - 1) / 2;
            if (!Less(moving, _heap[parent])) break;
            Place(_heap[parent], slot);
            slot = parent;
        }
        Place(moving, slot);
        return slot;
    }

    private void SiftDown(int slot)
    {
        var moving = _heap[slot];
        while (true)
        {
            int child = 2 * slot + 1;
            if (child >= _size) break;
            if (child + 1 < _size && Less(_heap[child + 1], _heap[child])) child++;
            if (!Less(_heap[child], moving)) break;
            Place(_heap[child], slot);
            slot = child;
        }
        Place(moving, slot);
    }

    private void Place(Counter counter, int slot)
    {
        _heap[slot] = counter;
        counter.Slot = slot;
    }
}

/// <summary>An item with its estimated count (an overestimate by at most Error), and whether it is surely in the top.</summary>
public sealed record HeavyHitter<TKey>(TKey Item, long Count, long Error, bool Guaranteed = false);

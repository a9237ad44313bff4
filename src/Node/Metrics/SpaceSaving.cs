namespace RingStore.Node.Metrics;

/// <summary>
/// The Space-Saving heavy-hitter sketch (Metwally, Agrawal, El Abbadi 2005): at most <c>capacity</c> counters; an
/// unseen item takes over the smallest counter and inherits its count as its error bound. Any item whose true count
/// exceeds total/capacity is guaranteed to be present, and each reported count overestimates by at most its
/// <see cref="HeavyHitter{TKey}.Error"/>. The counters are kept ordered by count (a sorted set), so an update costs
/// O(log capacity) and the capacity can be in the thousands. Pure and not thread-safe (the caller locks).
/// </summary>
public sealed class SpaceSaving<TKey> where TKey : notnull
{
    private sealed class Counter(TKey key, long count, long error, long sequence)
    {
        public TKey Key { get; } = key;
        public long Count { get; set; } = count;
        public long Error { get; } = error;
        public long Sequence { get; set; } = sequence;
    }

    private sealed class ByCount : IComparer<Counter>
    {
        public static readonly ByCount Instance = new();

        public int Compare(Counter? x, Counter? y)
        {
            int c = x!.Count.CompareTo(y!.Count);
            return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
        }
    }

    private readonly Dictionary<TKey, Counter> _counters;
    private readonly SortedSet<Counter> _ordered = new(ByCount.Instance);
    private long _sequence;

    public SpaceSaving(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        Capacity = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));
        _counters = new Dictionary<TKey, Counter>(Math.Min(capacity, 1024) + 1, comparer);
    }

    public int Capacity { get; }

    public long Total { get; private set; }

    /// <summary>Every item not tracked was seen at most this many times (0 while the sketch is not full).</summary>
    public long Floor => _counters.Count < Capacity || _ordered.Count == 0 ? 0 : _ordered.Min!.Count;

    public void Add(TKey item, long weight = 1)
    {
        Total += weight;
        if (_counters.TryGetValue(item, out var c))
        {
            Bump(c, c.Count + weight);
            return;
        }
        if (_counters.Count < Capacity)
        {
            var fresh = new Counter(item, weight, 0, ++_sequence);
            _counters[item] = fresh;
            _ordered.Add(fresh);
            return;
        }
        var min = _ordered.Min!;
        _ordered.Remove(min);
        _counters.Remove(min.Key);
        var taken = new Counter(item, min.Count + weight, min.Count, ++_sequence);
        _counters[item] = taken;
        _ordered.Add(taken);
    }

    private void Bump(Counter counter, long count)
    {
        _ordered.Remove(counter);
        counter.Count = count;
        counter.Sequence = ++_sequence;
        _ordered.Add(counter);
    }

    /// <summary>
    /// The top <paramref name="n"/> items by estimated count, highest first. An item is
    /// <see cref="HeavyHitter{TKey}.Guaranteed"/> when its lower bound (count - error) exceeds the estimate of every item
    /// not listed (the next counter, and the floor of the untracked ones): it is surely among the true top n.
    /// </summary>
    public IReadOnlyList<HeavyHitter<TKey>> Top(int n)
    {
        var top = _ordered.Reverse().Take(n + 1).ToList();
        long next = Math.Max(Floor, top.Count > n ? top[n].Count : 0);
        return top.Take(n).Select(c => new HeavyHitter<TKey>(c.Key, c.Count, c.Error, c.Count - c.Error > next)).ToList();
    }
}

/// <summary>An item with its estimated count (an overestimate by at most Error), and whether it is surely in the top.</summary>
public sealed record HeavyHitter<TKey>(TKey Item, long Count, long Error, bool Guaranteed = false);

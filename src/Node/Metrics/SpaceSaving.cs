namespace RingStore.Node.Metrics;

/// <summary>
/// The Space-Saving heavy-hitter sketch (Metwally, Agrawal, El Abbadi 2005): at most <c>capacity</c> counters; an
/// unseen item takes over the smallest counter and inherits its count as its error bound. Any item whose true count
/// exceeds total/capacity is guaranteed to be present, and each reported count overestimates by at most its
/// <see cref="HeavyHitter{TKey}.Error"/>. Pure and not thread-safe (the caller locks).
/// </summary>
public sealed class SpaceSaving<TKey>(int capacity, IEqualityComparer<TKey>? comparer = null) where TKey : notnull
{
    private readonly Dictionary<TKey, (long Count, long Error)> _counters = new(capacity + 1, comparer);

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    public long Total { get; private set; }

    public void Add(TKey item, long weight = 1)
    {
        Total += weight;
        if (_counters.TryGetValue(item, out var c))
        {
            _counters[item] = (c.Count + weight, c.Error);
            return;
        }
        if (_counters.Count < Capacity)
        {
            _counters[item] = (weight, 0);
            return;
        }
        // Evict the minimum: linear in capacity, which is small (tens); keeps the structure obviously correct.
        TKey minKey = default!;
        long min = long.MaxValue;
        foreach (var (key, value) in _counters)
        {
            if (value.Count < min)
            {
                min = value.Count;
                minKey = key;
            }
        }
        _counters.Remove(minKey);
        _counters[item] = (min + weight, min);
    }

    /// <summary>The top <paramref name="n"/> items by estimated count, highest first.</summary>
    public IReadOnlyList<HeavyHitter<TKey>> Top(int n) =>
        _counters.OrderByDescending(p => p.Value.Count).Take(n).Select(p => new HeavyHitter<TKey>(p.Key, p.Value.Count, p.Value.Error)).ToList();
}

/// <summary>An item with its estimated count (an overestimate by at most Error).</summary>
public sealed record HeavyHitter<TKey>(TKey Item, long Count, long Error);

using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Core.Values;

namespace RingStore.Node.Cql;

/// <summary>
/// The clustering part of a WHERE clause as the rows it selects: a run of leading columns restricted by = or IN
/// (their values combined into prefixes), then at most one column with a lower and/or upper bound. Restrictions
/// past that run cannot be served by a slice; <see cref="Unusable"/> holds them with Cassandra's reason.
/// Bounds are given in value order and turned into stored order here: on a DESC column <c>ck &gt; 5</c> is the
/// END of the slice, because larger values are stored first.
/// </summary>
public sealed class ClusteringSelection
{
    private readonly TableSchema _table;

    private ClusteringSelection(TableSchema table, int equalityCount, IReadOnlyList<object[]> prefixes, object? lower, bool lowerInclusive,
        object? upper, bool upperInclusive, IReadOnlyList<ColumnRestriction> unusable, string? unusableReason)
    {
        _table = table;
        EqualityCount = equalityCount;
        Prefixes = prefixes;
        Lower = lower;
        LowerInclusive = lowerInclusive;
        Upper = upper;
        UpperInclusive = upperInclusive;
        Unusable = unusable;
        UnusableReason = unusableReason;
    }

    /// <summary>Leading clustering columns restricted by = or IN.</summary>
    public int EqualityCount { get; }

    /// <summary>Every combination of the = / IN values of those columns (one empty prefix when there are none).</summary>
    public IReadOnlyList<object[]> Prefixes { get; }

    public object? Lower { get; }
    public bool LowerInclusive { get; }
    public object? Upper { get; }
    public bool UpperInclusive { get; }

    public bool HasSlice => Lower is not null || Upper is not null;

    /// <summary>True when = / IN restrict every clustering column: the selection is a set of whole rows.</summary>
    public bool IsFullKeys => EqualityCount == _table.Clustering.Count && !HasSlice;

    public bool IsEmpty => EqualityCount == 0 && !HasSlice;

    public IReadOnlyList<ColumnRestriction> Unusable { get; }

    public string? UnusableReason { get; }

    public static ClusteringSelection Build(WhereClause where, TermBinder binder)
    {
        ArgumentNullException.ThrowIfNull(where);
        ArgumentNullException.ThrowIfNull(binder);
        var table = where.Table;
        var prefixes = new List<object[]> { Array.Empty<object>() };
        int i = 0;
        for (; i < table.Clustering.Count; i++)
        {
            var restrictions = where.Clustering[i];
            if (restrictions.Count != 1 || !restrictions[0].IsEqualityOrIn) break;
            var values = restrictions[0].Values.Select(v => binder.KeyValue(v, restrictions[0].Column)).ToList();
            prefixes = prefixes.SelectMany(p => values.Select(v => p.Append(v).ToArray())).ToList();
        }
        int equalityCount = i;
        object? lower = null, upper = null;
        bool lowerInclusive = false, upperInclusive = false;
        int next = equalityCount;
        if (i < table.Clustering.Count && where.Clustering[i].Count > 0)
        {
            foreach (var r in where.Clustering[i])
            {
                object value = binder.KeyValue(r.Value, r.Column);
                if (r.IsLowerBound) (lower, lowerInclusive) = (value, r.IsInclusive);
                else (upper, upperInclusive) = (value, r.IsInclusive);
            }
            next++;
        }
        var unusable = new List<ColumnRestriction>();
        string? reason = null;
        for (int j = next; j < table.Clustering.Count; j++)
        {
            if (where.Clustering[j].Count == 0) continue;
            unusable.AddRange(where.Clustering[j]);
            reason ??= next > equalityCount
                ? $"Clustering column \"{table.Clustering[j].Name}\" cannot be restricted (preceding column \"{table.Clustering[equalityCount].Name}\" is restricted by a non-EQ relation)"
                : $"PRIMARY KEY column \"{table.Clustering[j].Name}\" cannot be restricted as preceding column \"{table.Clustering[next].Name}\" is not restricted";
        }
        // The = / IN run and the slice are only meaningful if nothing after them is unusable; otherwise every
        // clustering restriction is filtered (callers decide whether that is allowed).
        return new ClusteringSelection(table, equalityCount, prefixes.DistinctBy(p => Convert.ToHexString(ClusteringKeyCodec.Encode(table.Clustering, p))).ToList(),
            lower, lowerInclusive, upper, upperInclusive, unusable, reason);
    }

    /// <summary>The encoded full clustering keys (only when <see cref="IsFullKeys"/>), in stored order.</summary>
    public IReadOnlyList<byte[]> FullKeys()
    {
        if (!IsFullKeys) throw new InvalidOperationException("Not every clustering column is restricted by = or IN.");
        return Prefixes.Select(p => ClusteringKeyCodec.Encode(_table.Clustering, p)).OrderBy(k => k, ByteOrder.Instance).ToList();
    }

    /// <summary>One slice per prefix, in stored order (a reversed read walks them backwards).</summary>
    public IReadOnlyList<ClusteringSlice> Slices()
    {
        var slices = new List<ClusteringSlice>(Prefixes.Count);
        foreach (var prefix in Prefixes)
        {
            var bare = new ClusteringBound(ClusteringKeyCodec.Encode(_table.Clustering, prefix), true);
            if (!HasSlice)
            {
                slices.Add(new ClusteringSlice(bare, bare));
                continue;
            }
            var lower = Lower is null ? bare : new ClusteringBound(ClusteringKeyCodec.Encode(_table.Clustering, prefix.Append(Lower).ToArray()), LowerInclusive);
            var upper = Upper is null ? bare : new ClusteringBound(ClusteringKeyCodec.Encode(_table.Clustering, prefix.Append(Upper).ToArray()), UpperInclusive);
            bool descending = _table.Clustering[EqualityCount].Order == ClusteringOrder.Desc;
            slices.Add(descending ? new ClusteringSlice(upper, lower) : new ClusteringSlice(lower, upper));
        }
        return slices.OrderBy(s => s.Start.Prefix, ByteOrder.Instance).ToList();
    }

    /// <summary>Throws the reason restrictions cannot be served by a slice, if any.</summary>
    public void RequireUsable()
    {
        if (UnusableReason is not null) throw new InvalidRequestException(UnusableReason);
    }
}

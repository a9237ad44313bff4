namespace RingStore.Cql.Ast;

/// <summary>
/// SELECT selectors FROM [ks.]t [WHERE ...] [GROUP BY ...] [ORDER BY ...] [PER PARTITION LIMIT n] [LIMIT n] [ALLOW FILTERING]
/// [ALLOW PARTIAL RESULTS].
/// An empty <see cref="Selectors"/> list means <c>*</c>. <see cref="GroupBy"/> is null without GROUP BY;
/// <see cref="AllowPartialResults"/> opts a range scan or aggregate in to answering with the token ranges it could
/// read (and which it could not) instead of failing.
/// </summary>
public sealed record SelectStatement(
    ValueList<SelectorItem> Selectors,
    QualifiedName Table,
    ValueList<Restriction> Where,
    ValueList<Ordering> OrderBy,
    Term? Limit,
    bool AllowFiltering,
    ValueList<string>? GroupBy = null,
    bool AllowPartialResults = false) : CqlStatement
{
    /// <summary>PER PARTITION LIMIT n: at most n rows of each partition (null without); written before LIMIT.</summary>
    public Term? PerPartitionLimit { get; init; }

    public bool IsWildcard => Selectors.Count == 0;

    /// <summary>Every term in text order: WHERE values, then PER PARTITION LIMIT, then LIMIT (bind markers count in this order).</summary>
    public override IEnumerable<Term> Terms()
    {
        var terms = Where.SelectMany(r => r.Values);
        if (PerPartitionLimit is not null) terms = terms.Append(PerPartitionLimit);
        return Limit is null ? terms : terms.Append(Limit);
    }
}

namespace RingStore.Cql.Ast;

/// <summary>
/// SELECT selectors FROM [ks.]t [WHERE ...] [GROUP BY ...] [ORDER BY ...] [LIMIT n] [ALLOW FILTERING] [ALLOW PARTIAL RESULTS].
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
    public bool IsWildcard => Selectors.Count == 0;

    public override IEnumerable<Term> Terms() =>
        Limit is null ? Where.SelectMany(r => r.Values) : Where.SelectMany(r => r.Values).Append(Limit);
}

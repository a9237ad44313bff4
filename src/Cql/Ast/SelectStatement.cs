namespace RingStore.Cql.Ast;

/// <summary>
/// SELECT selectors FROM [ks.]t [WHERE ...] [ORDER BY ...] [LIMIT n] [ALLOW FILTERING].
/// An empty <see cref="Selectors"/> list means <c>*</c>.
/// </summary>
public sealed record SelectStatement(
    ValueList<SelectorItem> Selectors,
    QualifiedName Table,
    ValueList<Restriction> Where,
    ValueList<Ordering> OrderBy,
    Term? Limit,
    bool AllowFiltering) : CqlStatement
{
    public bool IsWildcard => Selectors.Count == 0;

    public override IEnumerable<Term> Terms() =>
        Limit is null ? Where.SelectMany(r => r.Values) : Where.SelectMany(r => r.Values).Append(Limit);
}

namespace RingStore.Cql.Ast;

/// <summary>USING TTL / TIMESTAMP of a write; each term is a literal or a bind marker, null when absent.</summary>
public sealed record UsingClause(Term? TimeToLive, Term? Timestamp)
{
    public static UsingClause None { get; } = new(null, null);

    public bool IsEmpty => TimeToLive is null && Timestamp is null;

    internal IEnumerable<Term> Terms()
    {
        if (TimeToLive is not null) yield return TimeToLive;
        if (Timestamp is not null) yield return Timestamp;
    }
}

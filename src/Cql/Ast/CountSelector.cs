namespace RingStore.Cql.Ast;

/// <summary>SELECT COUNT(*) (COUNT(1) parses to the same).</summary>
public sealed record CountSelector : Selector
{
    public static CountSelector Instance { get; } = new();
}

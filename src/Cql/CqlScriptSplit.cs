namespace RingStore.Cql;

/// <summary>
/// The result of <see cref="CqlScript.SplitStatements"/>: the complete statements (each ended by a
/// top-level ';', given without it and trimmed) and the text after the last one.
/// </summary>
public sealed record CqlScriptSplit(IReadOnlyList<string> Statements, string Remainder)
{
    /// <summary>
    /// True when the input ends inside a statement: text after the last ';', an unclosed string or
    /// comment, or a batch without APPLY BATCH. A REPL keeps reading lines while this is true; a
    /// script runner may treat a non-empty <see cref="Remainder"/> as a last statement.
    /// </summary>
    public bool IsIncomplete => Remainder.Length > 0;
}

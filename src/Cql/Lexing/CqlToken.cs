namespace RingStore.Cql;

/// <summary>
/// One token. <see cref="Text"/> is the exact source slice (starting at <see cref="Offset"/>);
/// <see cref="Value"/> is its meaning (folded identifier, upper-case keyword, unescaped string).
/// <see cref="Line"/> counts from 1 and <see cref="Column"/> from 0, as Cassandra's error messages do.
/// </summary>
public sealed record CqlToken(CqlTokenKind Kind, string Text, string Value, int Line, int Column, int Offset)
{
    public bool IsKeyword(string keyword) => Kind == CqlTokenKind.Keyword && Value == keyword;

    /// <summary>An unquoted word, reserved or not, equal to <paramref name="word"/> ignoring case (for unreserved keywords like TTL).</summary>
    public bool IsWord(string word) =>
        (Kind == CqlTokenKind.Identifier || Kind == CqlTokenKind.Keyword) && string.Equals(Value, word, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == CqlTokenKind.Symbol && Text == symbol;

    /// <summary>How error messages show the token: '&lt;EOF&gt;' at the end, else the source text.</summary>
    public string Display => Kind == CqlTokenKind.EndOfInput ? "<EOF>" : Text;
}

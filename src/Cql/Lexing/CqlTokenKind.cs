namespace RingStore.Cql;

/// <summary>What a token is. Comments and whitespace produce no token.</summary>
public enum CqlTokenKind
{
    /// <summary>An unquoted name or unreserved keyword (TTL, TIMESTAMP, COUNT, type names...); Value is folded to lower case.</summary>
    Identifier,
    /// <summary>A "double-quoted" name; Value keeps its case, with "" unescaped.</summary>
    QuotedIdentifier,
    /// <summary>A reserved keyword (SELECT, FROM, WHERE...); Value is upper case.</summary>
    Keyword,
    /// <summary>'text' or $$text$$; Value is the content.</summary>
    String,
    Integer,
    /// <summary>A number with a fraction or exponent (NaN and Infinity are keywords).</summary>
    Float,
    /// <summary>A blob constant: 0xCAFE.</summary>
    Hex,
    /// <summary>An unquoted 8-4-4-4-12 hex UUID.</summary>
    Uuid,
    /// <summary>'?'.</summary>
    BindMarker,
    /// <summary>Punctuation and operators: ( ) , ; . = &lt; &gt; &lt;= &gt;= != * { } : [ ] - +.</summary>
    Symbol,
    /// <summary>A string, quoted name or block comment that the input ends inside (the REPL keeps reading).</summary>
    Unterminated,
    /// <summary>A character that starts no token.</summary>
    Invalid,
    /// <summary>Always the last token; Text is empty.</summary>
    EndOfInput,
}

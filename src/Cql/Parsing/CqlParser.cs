using RingStore.Cql.Ast;

namespace RingStore.Cql;

/// <summary>
/// Entry points of the recursive-descent parser. Every failure is a <see cref="CqlSyntaxException"/>
/// naming the line, column and what was expected. Pure: no I/O, no schema.
/// </summary>
public static class CqlParser
{
    /// <summary>Parses exactly one statement; a trailing ';' is optional.</summary>
    public static CqlStatement Parse(string text) => new StatementParser(CqlLexer.Tokenize(text)).ParseSingle();

    /// <summary>Parses statements separated by ';' (the last ';' optional; empty statements are skipped).</summary>
    public static IReadOnlyList<CqlStatement> ParseScript(string text) => new StatementParser(CqlLexer.Tokenize(text)).ParseScript();
}

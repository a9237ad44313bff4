using RingStore.Core.Errors;
using RingStore.Cql;

namespace RingStore.Cli.Shell;

/// <summary>The argument of <c>LOGIN user ['password']</c>, as cqlsh: a name (bare, "quoted" or 'quoted') and an optional password. Pure.</summary>
public static class ShellLogin
{
    public static (string User, string? Password) Parse(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        var tokens = CqlLexer.Tokenize(argument).Where(t => t.Kind != CqlTokenKind.EndOfInput).ToList();
        if (tokens.Count is 0 or > 2) throw new InvalidRequestException("Usage: LOGIN user ['password']");
        return (Word(tokens[0]), tokens.Count == 2 ? Word(tokens[1]) : null);
    }

    private static string Word(CqlToken token) => token.Kind switch
    {
        CqlTokenKind.String or CqlTokenKind.QuotedIdentifier => token.Value,
        CqlTokenKind.Identifier or CqlTokenKind.Keyword or CqlTokenKind.Integer => token.Text,
        _ => throw new InvalidRequestException("Usage: LOGIN user ['password'] (quote a password with blanks or symbols)"),
    };
}

using RingStore.Core.Errors;

namespace RingStore.Cql;

/// <summary>
/// A statement that does not parse. Derives from InvalidRequestException so the server answers
/// InvalidRequest without a special case. The message reads like Cassandra's:
/// <c>line 1:23 mismatched input 'FORM' expecting FROM</c>. <see cref="Line"/> counts from 1,
/// <see cref="Column"/> from 0.
/// </summary>
public sealed class CqlSyntaxException : InvalidRequestException
{
    public CqlSyntaxException(int line, int column, string expected, string found, string message)
        : base($"line {line}:{column} {message}")
    {
        Line = line;
        Column = column;
        Expected = expected;
        Found = found;
    }

    public int Line { get; }

    public int Column { get; }

    /// <summary>What the parser wanted here, e.g. "FROM", "')'", "a column name".</summary>
    public string Expected { get; }

    /// <summary>The text found instead, "&lt;EOF&gt;" at the end of input.</summary>
    public string Found { get; }
}

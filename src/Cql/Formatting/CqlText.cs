using System.Text.RegularExpressions;
using RingStore.Cql.Ast;

namespace RingStore.Cql;

/// <summary>How names, constants and terms are written back as CQL so that they parse to the same AST.</summary>
public static partial class CqlText
{
    // Unreserved words the parser gives a meaning to by position; quoting them keeps a column of that
    // name from being read as the clause (SELECT "distinct" FROM t).
    private static readonly HashSet<string> ContextualWords = new(StringComparer.Ordinal)
    {
        "distinct", "json", "compact", "static", "group", "per", "on", "index",
    };

    [GeneratedRegex("^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainName();

    /// <summary>A name bare when it would lex back to itself, else double-quoted with "" escaping.</summary>
    public static string Name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool bare = PlainName().IsMatch(name) && !CqlKeywords.IsReserved(name) && !ContextualWords.Contains(name);
        return bare ? name : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    public static string Name(QualifiedName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Keyspace is null ? Name(name.Name) : Name(name.Keyspace) + "." + Name(name.Name);
    }

    public static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(Name));

    /// <summary>A string constant: single quotes, a quote inside doubled.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    public static string Literal(Literal literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        return literal.Kind == LiteralKind.String ? Quote(literal.Text) : literal.Text;
    }

    public static string Term(Term term) => term switch
    {
        Literal literal => Literal(literal),
        BindMarker => "?",
        FunctionCall call => call.Name + "(" + string.Join(", ", call.Arguments.Select(Term)) + ")",
        _ => throw new ArgumentOutOfRangeException(nameof(term), term, "unknown term"),
    };

    public static string Terms(IEnumerable<Term> terms) => string.Join(", ", terms.Select(Term));
}

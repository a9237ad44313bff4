using RingStore.Cql.Ast;
using RingStore.Core.Schema;

namespace RingStore.Cql;

/// <summary>Names, terms, constants and column types.</summary>
internal sealed partial class StatementParser
{
    private const string TermExpected = "a constant or ?";

    // Cassandra's limit: 20 years. A larger TTL would overflow expiry times computed in seconds.
    private const long MaxTimeToLiveSeconds = 630_720_000;

    private static readonly Dictionary<string, ColumnType> TypeNames = new(StringComparer.Ordinal)
    {
        ["bigint"] = ColumnType.BigInt,
        ["int"] = ColumnType.Int,
        ["text"] = ColumnType.Text,
        ["varchar"] = ColumnType.Text,
        ["blob"] = ColumnType.Blob,
        ["boolean"] = ColumnType.Boolean,
        ["double"] = ColumnType.Double,
        ["timestamp"] = ColumnType.Timestamp,
        ["uuid"] = ColumnType.Uuid,
        ["timeuuid"] = ColumnType.TimeUuid,
    };

    private const string TypeList = "a type: bigint, int, text, varchar, blob, boolean, double, timestamp, uuid or timeuuid";

    /// <summary>A name: an unquoted identifier (already folded to lower case) or a "quoted" one (case kept).</summary>
    private string ParseIdentifier(string what)
    {
        var t = Current;
        if (t.Kind is CqlTokenKind.Identifier or CqlTokenKind.QuotedIdentifier)
        {
            Advance();
            return t.Value;
        }
        throw NoViable(t, what);
    }

    private QualifiedName ParseTableName()
    {
        string first = ParseIdentifier("a table name");
        if (!Current.IsSymbol(".")) return new QualifiedName(null, first);
        Advance();
        return new QualifiedName(first, ParseIdentifier("a table name"));
    }

    private ValueList<string> ParseIdentifierList(string what)
    {
        var names = new List<string> { ParseIdentifier(what) };
        while (AcceptSymbol(",")) names.Add(ParseIdentifier(what));
        return new ValueList<string>(names);
    }

    /// <summary>A value: a constant, a '?' (numbered in order of appearance) or, where allowed, token(...).</summary>
    private Term ParseTerm(bool allowTokenCall = false)
    {
        var t = Current;
        if (t.Kind == CqlTokenKind.BindMarker)
        {
            Advance();
            return new BindMarker(_nextBindMarker++);
        }
        if (allowTokenCall && t.IsKeyword("TOKEN"))
        {
            Advance();
            ExpectSymbol("(");
            var arguments = new List<Term> { ParseTerm() };
            while (AcceptSymbol(",")) arguments.Add(ParseTerm());
            ExpectSymbol(")");
            return new FunctionCall("token", new ValueList<Term>(arguments));
        }
        return ParseConstant(allowTokenCall ? TermExpected + " or token(...)" : TermExpected);
    }

    private Literal ParseConstant(string expected = "a constant")
    {
        var t = Current;
        switch (t.Kind)
        {
            case CqlTokenKind.String: Advance(); return Literal.String(t.Value);
            case CqlTokenKind.Integer: Advance(); return new Literal(LiteralKind.Integer, t.Text);
            case CqlTokenKind.Float: Advance(); return new Literal(LiteralKind.Float, t.Text);
            case CqlTokenKind.Hex: Advance(); return new Literal(LiteralKind.Hex, t.Text);
            case CqlTokenKind.Uuid: Advance(); return new Literal(LiteralKind.Uuid, t.Text);
            case CqlTokenKind.BindMarker:
                throw Error(t, expected, $"bind markers are not allowed here (expected {expected})");
        }
        if (t.IsKeyword("NULL")) { Advance(); return Literal.Null; }
        if (t.IsKeyword("NAN")) { Advance(); return Literal.Float("NaN"); }
        if (t.IsKeyword("INFINITY")) { Advance(); return Literal.Float("Infinity"); }
        if (t.Kind == CqlTokenKind.Identifier && (t.Value is "true" or "false"))
        {
            Advance();
            return Literal.Boolean(t.Value == "true");
        }
        if (t.IsSymbol("-")) return ParseNegativeNumber(expected);
        if (t.IsSymbol(":"))
            throw Error(t, "?", "named bind markers are not supported (expected ?)");
        if (t.IsSymbol("[") || t.IsSymbol("{"))
            throw Error(t, expected, $"collection literals are not supported (expected {expected})");
        throw NoViable(t, expected);
    }

    private Literal ParseNegativeNumber(string expected)
    {
        var minus = Advance();
        var t = Current;
        if (t.Kind is CqlTokenKind.Integer or CqlTokenKind.Float)
        {
            Advance();
            return new Literal(t.Kind == CqlTokenKind.Integer ? LiteralKind.Integer : LiteralKind.Float, "-" + t.Text);
        }
        if (t.IsKeyword("INFINITY")) { Advance(); return Literal.Float("-Infinity"); }
        if (t.IsKeyword("NAN")) { Advance(); return Literal.Float("NaN"); }
        throw NoViable(minus, expected);
    }

    /// <summary>LIMIT, TTL and TIMESTAMP take an integer constant or a '?'.</summary>
    private Term ParseIntegerTerm(string clause, long min, long max)
    {
        var t = Current;
        string expected = min > 0 ? $"an integer > 0 or ? after {clause}" : $"an integer or ? after {clause}";
        if (t.Kind == CqlTokenKind.BindMarker) return ParseTerm();
        if (t.Kind != CqlTokenKind.Integer && !(t.IsSymbol("-") && PeekAhead(1).Kind == CqlTokenKind.Integer))
            throw NoViable(t, expected);
        var literal = ParseConstant();
        if (!long.TryParse(literal.Text, System.Globalization.CultureInfo.InvariantCulture, out long value))
            throw Error(t, expected, $"{clause} value {literal.Text} is out of range (expected {expected})");
        if (value < min)
            throw Error(t, expected, min > 0
                ? $"{clause} must be strictly positive, got {value} (expected {expected})"
                : $"{clause} must not be negative, got {value} (expected {expected})");
        if (value > max)
            throw Error(t, expected, $"{clause} {value} is too large, the maximum is {max} (expected {expected})");
        return literal;
    }

    private Term ParseTimeToLive() => ParseIntegerTerm("TTL", 0, MaxTimeToLiveSeconds);

    private Term ParseTimestamp() => ParseIntegerTerm("TIMESTAMP", long.MinValue, long.MaxValue);

    private ColumnType ParseColumnType()
    {
        var t = Current;
        if (t.Kind == CqlTokenKind.Identifier && TypeNames.TryGetValue(t.Value, out var type))
        {
            Advance();
            return type;
        }
        if (t.Kind == CqlTokenKind.Identifier && (t.Value is "list" or "set" or "map" or "frozen" or "tuple"))
            throw Error(t, TypeList, $"collection type '{t.Text}' is not supported (expected {TypeList})");
        if (t.Kind is CqlTokenKind.Identifier or CqlTokenKind.QuotedIdentifier)
            throw Error(t, TypeList, $"unknown type '{t.Text}' (expected {TypeList})");
        throw NoViable(t, TypeList);
    }
}

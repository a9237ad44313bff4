using System.Globalization;

namespace RingStore.Cql.Ast;

/// <summary>
/// A constant as written. <see cref="Text"/> is the decoded source text: a string's content
/// without quotes or escapes, a number's digits with its sign, "NaN"/"Infinity"/"-Infinity",
/// "0x..." for blobs, the UUID as written, "true"/"false", "null". Conversion to a column's
/// type is <see cref="RingStore.Cql.LiteralConverter"/>'s job, because only the column
/// knows whether '2026-11-23' is text or a timestamp.
/// </summary>
public sealed record Literal(LiteralKind Kind, string Text) : Term
{
    public static Literal Null { get; } = new(LiteralKind.Null, "null");

    public static Literal String(string value) => new(LiteralKind.String, value);

    public static Literal Integer(long value) => new(LiteralKind.Integer, value.ToString(CultureInfo.InvariantCulture));

    public static Literal Float(string text) => new(LiteralKind.Float, text);

    public static Literal Boolean(bool value) => new(LiteralKind.Boolean, value ? "true" : "false");

    public static Literal Hex(ReadOnlySpan<byte> bytes) => new(LiteralKind.Hex, "0x" + Convert.ToHexString(bytes));

    public static Literal Uuid(Guid value) => new(LiteralKind.Uuid, value.ToString("D"));

    /// <summary>The kind as Cassandra spells it in "Invalid INTEGER constant" messages.</summary>
    public string KindName => Kind switch
    {
        LiteralKind.String => "STRING",
        LiteralKind.Integer => "INTEGER",
        LiteralKind.Float => "FLOAT",
        LiteralKind.Boolean => "BOOLEAN",
        LiteralKind.Hex => "HEX",
        LiteralKind.Uuid => "UUID",
        _ => "NULL",
    };
}

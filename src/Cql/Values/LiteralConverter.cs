using System.Globalization;
using RingStore.Cql.Ast;
using RingStore.Core.Errors;
using RingStore.Core.Schema;

namespace RingStore.Cql;

/// <summary>
/// Turns a parsed constant into the CLR value Core's ValueCodec serializes for a column type:
/// bigint long, int int, double double, text string, blob byte[], boolean bool,
/// timestamp DateTimeOffset (UTC), uuid/timeuuid Guid. A null literal gives null (the executor
/// decides what null means where). Wrong kinds throw InvalidRequestException with Cassandra's
/// wording: <c>Invalid FLOAT constant (1.5) for "id" of type bigint</c>.
/// </summary>
public static class LiteralConverter
{
    public static object? ToValue(Literal literal, ColumnType type, string column = "?")
    {
        ArgumentNullException.ThrowIfNull(literal);
        if (literal.Kind == LiteralKind.Null) return null;
        return type switch
        {
            ColumnType.BigInt => ToLong(literal, type, column),
            ColumnType.Int => ToInt(literal, type, column),
            ColumnType.Double => ToDouble(literal, type, column),
            ColumnType.Text => literal.Kind == LiteralKind.String ? literal.Text : throw Invalid(literal, type, column),
            ColumnType.Boolean => literal.Kind == LiteralKind.Boolean ? literal.Text == "true" : throw Invalid(literal, type, column),
            ColumnType.Blob => ToBytes(literal, type, column),
            ColumnType.Timestamp => ToTimestamp(literal, type, column),
            ColumnType.Uuid or ColumnType.TimeUuid => ToGuid(literal, type, column),
            _ => throw new InvalidRequestException($"Column \"{column}\" has unsupported type {type}."),
        };
    }

    /// <summary>The CQL spelling of a type, as used in messages and by the formatter.</summary>
    public static string TypeName(ColumnType type) => type switch
    {
        ColumnType.BigInt => "bigint",
        ColumnType.Int => "int",
        ColumnType.Text => "text",
        ColumnType.Blob => "blob",
        ColumnType.Boolean => "boolean",
        ColumnType.Double => "double",
        ColumnType.Timestamp => "timestamp",
        ColumnType.Uuid => "uuid",
        ColumnType.TimeUuid => "timeuuid",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static long ToLong(Literal literal, ColumnType type, string column)
    {
        if (literal.Kind != LiteralKind.Integer) throw Invalid(literal, type, column);
        return long.TryParse(literal.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw Invalid(literal, type, column, "out of range");
    }

    private static int ToInt(Literal literal, ColumnType type, string column)
    {
        if (literal.Kind != LiteralKind.Integer) throw Invalid(literal, type, column);
        return int.TryParse(literal.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw Invalid(literal, type, column, "out of range");
    }

    private static double ToDouble(Literal literal, ColumnType type, string column)
    {
        if (literal.Kind is not (LiteralKind.Float or LiteralKind.Integer)) throw Invalid(literal, type, column);
        return literal.Text switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ => double.TryParse(literal.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
                ? value
                : throw Invalid(literal, type, column, "out of range"),
        };
    }

    private static byte[] ToBytes(Literal literal, ColumnType type, string column)
    {
        if (literal.Kind != LiteralKind.Hex) throw Invalid(literal, type, column);
        string digits = literal.Text[2..];
        if (digits.Length % 2 != 0) throw Invalid(literal, type, column, "odd number of hex digits");
        return Convert.FromHexString(digits);
    }

    private static DateTimeOffset ToTimestamp(Literal literal, ColumnType type, string column)
    {
        if (literal.Kind == LiteralKind.Integer)
        {
            long ms = ToLong(literal, ColumnType.BigInt, column);
            if (ms < MinTimestampMs || ms > MaxTimestampMs)
                throw Invalid(literal, type, column, "outside the supported range (years 1 to 9999)");
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        if (literal.Kind != LiteralKind.String) throw Invalid(literal, type, column);
        return TimestampText.TryParse(literal.Text, out var parsed)
            ? parsed
            : throw Invalid(literal, type, column,
                "expected milliseconds since the epoch or an ISO-8601 date/time like '2026-11-23', '2026-11-23T10:00:00Z' or '2026-11-23 10:00:00+0000'");
    }

    private static Guid ToGuid(Literal literal, ColumnType type, string column)
    {
        if (literal.Kind is not (LiteralKind.Uuid or LiteralKind.String)) throw Invalid(literal, type, column);
        if (!Guid.TryParseExact(literal.Text, "D", out var guid)) throw Invalid(literal, type, column, "not a UUID");
        if (type == ColumnType.TimeUuid)
        {
            Span<byte> bytes = stackalloc byte[16];
            guid.TryWriteBytes(bytes, bigEndian: true, out _);
            if (bytes[6] >> 4 != 1) throw Invalid(literal, type, column, $"a version-{bytes[6] >> 4} UUID is not a timeuuid");
        }
        return guid;
    }

    private static readonly long MinTimestampMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxTimestampMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    private static InvalidRequestException Invalid(Literal literal, ColumnType type, string column, string? reason = null) =>
        new($"Invalid {literal.KindName} constant ({literal.Text}) for \"{column}\" of type {TypeName(type)}"
            + (reason is null ? "" : ": " + reason));
}

using System.Globalization;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Cql;
using RingStore.Cql.Ast;

namespace RingStore.Cli.Tools;

/// <summary>
/// Partition keys as typed on a command line, turned into Cassandra's key bytes and token: raw hex
/// (<c>0x000000000000002a</c> or without the prefix), typed components (<c>bigint:42 text:2026-11</c>), or bare
/// values read with the key column types of a known table. Pure; errors are <see cref="InvalidRequestException"/>s.
/// </summary>
public static class PartitionKeyInput
{
    public static byte[] ParseHex(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string digits = text.Trim();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) digits = digits[2..];
        if (digits.Length == 0) throw new InvalidRequestException("The partition key must not be empty.");
        if (digits.Length % 2 != 0 || !digits.All(char.IsAsciiHexDigit))
            throw new InvalidRequestException($"'{text.Trim()}' is not an even number of hex digits.");
        return Convert.FromHexString(digits);
    }

    /// <summary>Key bytes from components written <c>type:value</c> (the value may itself contain ':').</summary>
    public static byte[] ParseTypedComponents(IReadOnlyList<string> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        if (components.Count == 0) throw new InvalidRequestException("No partition key components given (e.g. bigint:42 text:2026-11).");
        var columns = new ColumnDefinition[components.Count];
        var values = new object?[components.Count];
        for (int i = 0; i < components.Count; i++)
        {
            string component = components[i];
            int colon = component.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw new InvalidRequestException($"'{component}' is not type:value (e.g. bigint:42, text:2026-11).");
            var type = ParseType(component[..colon]);
            string name = $"component {i + 1}";
            columns[i] = new ColumnDefinition(name, type);
            values[i] = ParseValue(type, component[(colon + 1)..], name);
        }
        return PartitionKeyCodec.Serialize(columns, values);
    }

    /// <summary>Key bytes from bare values read with a table's partition-key column types.</summary>
    public static byte[] ParseValues(IReadOnlyList<ColumnDefinition> keyColumns, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(keyColumns);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != keyColumns.Count)
            throw new InvalidRequestException(
                $"The partition key is ({string.Join(", ", keyColumns.Select(c => $"{c.Name} {LiteralConverter.TypeName(c.Type)}"))}): " +
                $"{keyColumns.Count} value(s) needed, got {values.Count}.");
        var parsed = new object?[values.Count];
        for (int i = 0; i < values.Count; i++) parsed[i] = ParseValue(keyColumns[i].Type, values[i], keyColumns[i].Name);
        return PartitionKeyCodec.Serialize(keyColumns, parsed);
    }

    public static Token TokenOf(byte[] key) => Murmur3Partitioner.GetToken(key);

    public static ColumnType ParseType(string name) => name.Trim().ToLowerInvariant() switch
    {
        "bigint" => ColumnType.BigInt,
        "int" => ColumnType.Int,
        "text" or "varchar" => ColumnType.Text,
        "blob" => ColumnType.Blob,
        "boolean" => ColumnType.Boolean,
        "double" => ColumnType.Double,
        "timestamp" => ColumnType.Timestamp,
        "uuid" => ColumnType.Uuid,
        "timeuuid" => ColumnType.TimeUuid,
        _ => throw new InvalidRequestException(
            $"unknown type '{name}' (expected bigint, int, text, varchar, blob, boolean, double, timestamp, uuid or timeuuid)"),
    };

    /// <summary>
    /// A value as typed on a command line (no CQL quoting: text is taken as is), converted with the same rules as
    /// CQL constants so that `token` and the server agree (timestamps as ISO-8601 or milliseconds, blobs as 0x...).
    /// </summary>
    public static object? ParseValue(ColumnType type, string text, string column)
    {
        ArgumentNullException.ThrowIfNull(text);
        var literal = type switch
        {
            ColumnType.Text => Literal.String(text),
            ColumnType.BigInt or ColumnType.Int => new Literal(LiteralKind.Integer, text.Trim()),
            ColumnType.Double => new Literal(LiteralKind.Float, text.Trim()),
            ColumnType.Boolean => new Literal(LiteralKind.Boolean, text.Trim().ToLowerInvariant()),
            ColumnType.Blob => new Literal(LiteralKind.Hex, text.Trim().StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text.Trim() : "0x" + text.Trim()),
            ColumnType.Timestamp => long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
                ? new Literal(LiteralKind.Integer, text.Trim())
                : Literal.String(text.Trim()),
            ColumnType.Uuid or ColumnType.TimeUuid => new Literal(LiteralKind.Uuid, text.Trim()),
            _ => throw new InvalidRequestException($"Column '{column}' has unsupported type {type}."),
        };
        if (type is ColumnType.BigInt or ColumnType.Int && !IsInteger(literal.Text))
            throw new InvalidRequestException(
                $"Invalid value '{text}' for \"{column}\": not {(type == ColumnType.Int ? "an int" : "a bigint")} (expected a whole number, e.g. 42 or -7)");
        if (literal.Kind == LiteralKind.Boolean && literal.Text is not ("true" or "false"))
            throw new InvalidRequestException($"Invalid value '{text}' for \"{column}\" of type boolean (expected true or false)");
        if (literal.Kind == LiteralKind.Hex && !literal.Text[2..].All(char.IsAsciiHexDigit))
            throw new InvalidRequestException($"Invalid value '{text}' for \"{column}\" of type blob (expected hex digits)");
        try
        {
            return LiteralConverter.ToValue(literal, type, column);
        }
        catch (FormatException e)
        {
            throw new InvalidRequestException($"Invalid value '{text}' for \"{column}\" of type {LiteralConverter.TypeName(type)}: {e.Message}");
        }
    }

    // Digits with an optional sign: anything else is not a number at all (as opposed to a number out of range).
    private static bool IsInteger(string text)
    {
        string digits = text.StartsWith('-') || text.StartsWith('+') ? text[1..] : text;
        return digits.Length > 0 && digits.All(char.IsAsciiDigit);
    }
}

using Google.Protobuf;
using RingStore.Client.Protos;

namespace RingStore.Client.Values;

/// <summary>
/// CLR values to API <see cref="Value"/>s and back. Without a column type the CLR type decides (long = bigint,
/// int = int, string = text, byte[] = blob, bool, double, DateTimeOffset/DateTime = timestamp, Guid = uuid);
/// with one (prepared statements) the value is converted to the column's type where that is lossless.
/// </summary>
public static class ProtoValues
{
    public static Value From(object? value) => value switch
    {
        null => new Value(),
        Value v => v,
        long l => new Value { Bigint = l },
        int i => new Value { Int = i },
        short s => new Value { Int = s },
        string s => new Value { Text = s },
        byte[] b => new Value { Blob = ByteString.CopyFrom(b) },
        ReadOnlyMemory<byte> m => new Value { Blob = ByteString.CopyFrom(m.Span) },
        bool b => new Value { Boolean = b },
        double d => new Value { Double = d },
        float f => new Value { Double = f },
        DateTimeOffset d => new Value { Timestamp = d.ToUnixTimeMilliseconds() },
        DateTime d => new Value { Timestamp = new DateTimeOffset(d.ToUniversalTime()).ToUnixTimeMilliseconds() },
        Guid g => new Value { Uuid = g.ToString() },
        _ => throw new ArgumentException($"Values of type {value.GetType().Name} are not supported.", nameof(value)),
    };

    /// <summary>As <see cref="From(object?)"/>, adjusted to the column type the value binds to.</summary>
    public static Value From(object? value, ColumnType type) => (value, type) switch
    {
        (null, _) => new Value(),
        (int i, ColumnType.Bigint) => new Value { Bigint = i },
        (long l, ColumnType.Int) when l is >= int.MinValue and <= int.MaxValue => new Value { Int = (int)l },
        (long l, ColumnType.Timestamp) => new Value { Timestamp = l },
        (Guid g, ColumnType.Timeuuid) => new Value { Timeuuid = g.ToString() },
        (string s, ColumnType.Uuid) when Guid.TryParse(s, out var g) => new Value { Uuid = g.ToString() },
        (string s, ColumnType.Timeuuid) when Guid.TryParse(s, out var g) => new Value { Timeuuid = g.ToString() },
        (int i, ColumnType.Double) => new Value { Double = i },
        (long l, ColumnType.Double) => new Value { Double = l },
        _ => From(value),
    };

    /// <summary>The CLR value of an API value: long, int, string, byte[], bool, double, DateTimeOffset, Guid, or null.</summary>
    public static object? ToClr(Value? value) => value?.KindCase switch
    {
        null or Value.KindOneofCase.None => null,
        Value.KindOneofCase.Bigint => value.Bigint,
        Value.KindOneofCase.Int => value.Int,
        Value.KindOneofCase.Text => value.Text,
        Value.KindOneofCase.Blob => value.Blob.ToByteArray(),
        Value.KindOneofCase.Boolean => value.Boolean,
        Value.KindOneofCase.Double => value.Double,
        Value.KindOneofCase.Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(value.Timestamp),
        Value.KindOneofCase.Uuid => Guid.Parse(value.Uuid),
        Value.KindOneofCase.Timeuuid => Guid.Parse(value.Timeuuid),
        _ => null,
    };

    /// <summary>Core's CLR value for a key column, for computing the partition key bytes locally.</summary>
    public static object? ToCoreKeyValue(Value value, ColumnType type) => ToClr(value) switch
    {
        int i when type == ColumnType.Bigint => (long)i,
        long l when type == ColumnType.Int => (int)l,
        DateTimeOffset d => d.ToUnixTimeMilliseconds(),
        var other => other,
    };
}

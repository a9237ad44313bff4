using System.Globalization;
using Google.Protobuf;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using ProtoValue = RingStore.Client.Protos.Value;

namespace RingStore.Node.Api;

/// <summary>
/// Converts gRPC <see cref="ProtoValue"/>s to the CLR values Core's codecs take, checking the column's type, and back.
/// A value of the wrong kind is an InvalidRequest that names the column and both types: nothing is written.
/// </summary>
public static class ValueConverter
{
    public static bool IsNull(ProtoValue? value) => value is null || value.KindCase == ProtoValue.KindOneofCase.None;

    public static object ToClr(ColumnType type, ProtoValue? value, string column)
    {
        if (IsNull(value)) throw new InvalidRequestException($"Column '{column}' must not be null here.");
        var kind = value!.KindCase;
        switch (type)
        {
            case ColumnType.BigInt when kind == ProtoValue.KindOneofCase.Bigint: return value.Bigint;
            case ColumnType.BigInt when kind == ProtoValue.KindOneofCase.Int: return (long)value.Int;
            case ColumnType.Int when kind == ProtoValue.KindOneofCase.Int: return value.Int;
            case ColumnType.Int when kind == ProtoValue.KindOneofCase.Bigint && value.Bigint is >= int.MinValue and <= int.MaxValue: return (int)value.Bigint;
            case ColumnType.Text when kind == ProtoValue.KindOneofCase.Text: return value.Text;
            case ColumnType.Blob when kind == ProtoValue.KindOneofCase.Blob: return value.Blob.ToByteArray();
            case ColumnType.Boolean when kind == ProtoValue.KindOneofCase.Boolean: return value.Boolean;
            case ColumnType.Double when kind == ProtoValue.KindOneofCase.Double: return value.Double;
            case ColumnType.Timestamp when kind is ProtoValue.KindOneofCase.Timestamp: return value.Timestamp;
            case ColumnType.Timestamp when kind is ProtoValue.KindOneofCase.Bigint: return value.Bigint;
            case ColumnType.Uuid or ColumnType.TimeUuid when kind is ProtoValue.KindOneofCase.Uuid or ProtoValue.KindOneofCase.Timeuuid:
                string text = kind == ProtoValue.KindOneofCase.Uuid ? value.Uuid : value.Timeuuid;
                return Guid.TryParse(text, out var g) ? g : throw new InvalidRequestException($"Column '{column}': '{text}' is not a UUID.");
            default:
                throw new InvalidRequestException($"Column '{column}' is {type.ToString().ToLowerInvariant()} but the value is {KindName(kind)}.");
        }
    }

    public static ProtoValue FromClr(ColumnType type, object? value) => value switch
    {
        null => new ProtoValue(),
        _ => type switch
        {
            ColumnType.BigInt => new ProtoValue { Bigint = (long)value },
            ColumnType.Int => new ProtoValue { Int = (int)value },
            ColumnType.Text => new ProtoValue { Text = (string)value },
            ColumnType.Blob => new ProtoValue { Blob = ByteString.CopyFrom((byte[])value) },
            ColumnType.Boolean => new ProtoValue { Boolean = (bool)value },
            ColumnType.Double => new ProtoValue { Double = (double)value },
            ColumnType.Timestamp => new ProtoValue { Timestamp = value is DateTimeOffset d ? d.ToUnixTimeMilliseconds() : Convert.ToInt64(value, CultureInfo.InvariantCulture) },
            ColumnType.Uuid => new ProtoValue { Uuid = ((Guid)value).ToString() },
            ColumnType.TimeUuid => new ProtoValue { Timeuuid = ((Guid)value).ToString() },
            _ => throw new InvalidOperationException($"Unsupported type {type}."),
        },
    };

    private static string KindName(ProtoValue.KindOneofCase kind) => kind switch
    {
        ProtoValue.KindOneofCase.None => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };
}

using RingStore.Client.Protos;

namespace RingStore.Node.Tests.Cql;

/// <summary>Short ways to read result values in assertions.</summary>
internal static class Rows
{
    public static object? Clr(Value v) => v.KindCase switch
    {
        Value.KindOneofCase.Bigint => v.Bigint,
        Value.KindOneofCase.Int => v.Int,
        Value.KindOneofCase.Text => v.Text,
        Value.KindOneofCase.Blob => Convert.ToHexString(v.Blob.Span),
        Value.KindOneofCase.Boolean => v.Boolean,
        Value.KindOneofCase.Double => v.Double,
        Value.KindOneofCase.Timestamp => v.Timestamp,
        Value.KindOneofCase.Uuid => v.Uuid,
        Value.KindOneofCase.Timeuuid => v.Timeuuid,
        _ => null,
    };

    /// <summary>Column <paramref name="index"/> of every row.</summary>
    public static List<object?> Column(this ExecuteResponse response, int index) => response.Rows.Select(r => Clr(r.Values[index])).ToList();

    public static List<string> ColumnNames(this ExecuteResponse response) => response.Columns.Select(c => c.Name).ToList();

    public static Value Big(long v) => new() { Bigint = v };
    public static Value Int(int v) => new() { Int = v };
    public static Value Text(string v) => new() { Text = v };
}

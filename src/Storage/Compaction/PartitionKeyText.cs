using System.Globalization;
using RingStore.Core.Schema;
using RingStore.Core.Values;

namespace RingStore.Storage.Compaction;

/// <summary>A partition key as an operator reads it in a log line ("42, b"), or its hex when it does not decode.</summary>
internal static class PartitionKeyText
{
    public static string Of(TableSchema schema, byte[] key)
    {
        try
        {
            var values = PartitionKeyCodec.Deserialize(schema.PartitionKey, key);
            return string.Join(", ", values.Select(Format));
        }
        catch (Exception e) when (e is FormatException or ArgumentException or Core.Errors.InvalidRequestException)
        {
            return "0x" + Convert.ToHexString(key);
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        byte[] b => "0x" + Convert.ToHexString(b),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

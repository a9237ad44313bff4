using System.Globalization;
using RingStore.Core.Errors;
using RingStore.Core.Values;
using RingStore.Node.Schema;

namespace RingStore.Node.Guardrails;

/// <summary>A serialized partition key as people read it ("42, 2026-11"), for guardrail messages; hex when the table is unknown.</summary>
public static class PartitionKeyText
{
    public static string Describe(SchemaManager schema, string table, byte[] partitionKey)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(table);
        int dot = table.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || !schema.Current.TryGetTable(table[..dot], table[(dot + 1)..], out var t)) return Convert.ToHexString(partitionKey);
        try
        {
            var values = PartitionKeyCodec.Deserialize(t.PartitionKey, partitionKey);
            return string.Join(", ", values.Select(v => v is DateTimeOffset d ? d.ToString("O", CultureInfo.InvariantCulture) : Convert.ToString(v, CultureInfo.InvariantCulture)));
        }
        catch (InvalidRequestException)
        {
            return Convert.ToHexString(partitionKey);
        }
    }
}

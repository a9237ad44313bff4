using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Core.Values;

namespace RingStore.Node.Cql;

/// <summary>Serialized partition keys from = / IN restrictions on every key column, in the order written (IN order).</summary>
public static class PartitionKeys
{
    public static void RequireFull(WhereClause where)
    {
        ArgumentNullException.ThrowIfNull(where);
        if (!where.HasFullPartitionKey)
            throw new InvalidRequestException($"Some partition key parts are missing: {string.Join(", ", where.MissingPartitionKeyParts)}");
    }

    /// <summary>Every combination of the restricted values (duplicates dropped, first occurrence kept).</summary>
    public static IReadOnlyList<byte[]> From(WhereClause where, TermBinder binder)
    {
        ArgumentNullException.ThrowIfNull(where);
        ArgumentNullException.ThrowIfNull(binder);
        RequireFull(where);
        var combinations = new List<object[]> { Array.Empty<object>() };
        foreach (var restriction in where.PartitionKey)
        {
            var values = restriction!.Values.Select(v => binder.KeyValue(v, restriction.Column)).ToList();
            combinations = combinations.SelectMany(c => values.Select(v => c.Append(v).ToArray())).ToList();
        }
        return combinations.Select(c => Serialize(where.Table, c)).DistinctBy(Convert.ToHexString).ToList();
    }

    public static byte[] Serialize(TableSchema table, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(table);
        byte[] key = PartitionKeyCodec.Serialize(table.PartitionKey, values);
        if (key.Length == 0) throw new InvalidRequestException("Key may not be empty");
        if (key.Length > ushort.MaxValue) throw new InvalidRequestException($"Key length of {key.Length} is longer than maximum of {ushort.MaxValue}");
        return key;
    }
}

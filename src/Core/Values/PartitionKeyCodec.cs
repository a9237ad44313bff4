using System.Buffers.Binary;
using RingStore.Core.Errors;
using RingStore.Core.Schema;

namespace RingStore.Core.Values;

/// <summary>
/// Partition-key bytes exactly as Cassandra serializes them, so tokens match Cassandra's:
/// a single component is its value bytes; a composite is, per component,
/// a 2-byte big-endian length, the bytes, and a 0x00 end-of-component byte.
/// </summary>
public static class PartitionKeyCodec
{
    public static byte[] Serialize(IReadOnlyList<ColumnDefinition> columns, IReadOnlyList<object?> values)
    {
        if (values.Count != columns.Count)
            throw new InvalidRequestException(
                $"Partition key needs {columns.Count} component(s) ({string.Join(", ", columns.Select(c => c.Name))}), got {values.Count}.");
        var parts = new byte[columns.Count][];
        for (int i = 0; i < columns.Count; i++)
            parts[i] = ValueCodec.Serialize(columns[i].Type, values[i], columns[i].Name);
        return Compose(parts);
    }

    /// <summary>Joins already-serialized components (one component is returned as is).</summary>
    public static byte[] Compose(IReadOnlyList<byte[]> components)
    {
        if (components.Count == 0) throw new InvalidRequestException("The partition key must not be empty.");
        if (components.Count == 1)
        {
            if (components[0].Length == 0) throw new InvalidRequestException("The partition key must not be empty.");
            return components[0];
        }
        int size = 0;
        foreach (var c in components)
        {
            if (c.Length > ushort.MaxValue)
                throw new InvalidRequestException($"A partition-key component is {c.Length} bytes, over the 65535-byte limit.");
            size += 3 + c.Length;
        }
        var result = new byte[size];
        int pos = 0;
        foreach (var c in components)
        {
            BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(pos), (ushort)c.Length);
            c.CopyTo(result, pos + 2);
            pos += 2 + c.Length;
            result[pos++] = 0;
        }
        return result;
    }

    /// <summary>
    /// Checks serialized key bytes component by component without materializing them (the write path validates every
    /// mutation's key; <see cref="Deserialize"/> boxed each component): throws <see cref="InvalidRequestException"/> for a
    /// truncated composite or a component its type rejects.
    /// </summary>
    public static void Validate(IReadOnlyList<ColumnDefinition> columns, ReadOnlySpan<byte> key)
    {
        if (columns.Count == 1)
        {
            ValueCodec.Validate(columns[0].Type, key, columns[0].Name);
            return;
        }
        int pos = 0;
        for (int i = 0; i < columns.Count; i++)
        {
            if (pos + 2 > key.Length) throw new InvalidRequestException("Truncated composite partition key.");
            int len = BinaryPrimitives.ReadUInt16BigEndian(key.Slice(pos));
            if (pos + 2 + len + 1 > key.Length) throw new InvalidRequestException("Truncated composite partition key.");
            ValueCodec.Validate(columns[i].Type, key.Slice(pos + 2, len), columns[i].Name);
            pos += 3 + len;
        }
    }

    /// <summary>Splits serialized key bytes back into component values.</summary>
    public static object[] Deserialize(IReadOnlyList<ColumnDefinition> columns, ReadOnlySpan<byte> key)
    {
        if (columns.Count == 1) return [ValueCodec.Deserialize(columns[0].Type, key)];
        var result = new object[columns.Count];
        int pos = 0;
        for (int i = 0; i < columns.Count; i++)
        {
            if (pos + 2 > key.Length) throw new InvalidRequestException("Truncated composite partition key.");
            int len = BinaryPrimitives.ReadUInt16BigEndian(key.Slice(pos));
            if (pos + 2 + len + 1 > key.Length) throw new InvalidRequestException("Truncated composite partition key.");
            result[i] = ValueCodec.Deserialize(columns[i].Type, key.Slice(pos + 2, len));
            pos += 3 + len;
        }
        return result;
    }
}

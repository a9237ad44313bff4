using RingStore.Core.Errors;
using RingStore.Core.Schema;

namespace RingStore.Node.Cql;

/// <summary>A column of a table by name: its kind, its position within that kind, and its type.</summary>
public sealed record ColumnRef(ColumnKind Kind, int Index, string Name, ColumnType Type)
{
    public bool IsPrimaryKey => Kind != ColumnKind.Regular;

    /// <exception cref="InvalidRequestException">"Undefined column name x", as Cassandra.</exception>
    public static ColumnRef Resolve(TableSchema table, string name)
    {
        ArgumentNullException.ThrowIfNull(table);
        for (int i = 0; i < table.PartitionKey.Count; i++)
            if (table.PartitionKey[i].Name == name) return new ColumnRef(ColumnKind.PartitionKey, i, name, table.PartitionKey[i].Type);
        for (int i = 0; i < table.Clustering.Count; i++)
            if (table.Clustering[i].Name == name) return new ColumnRef(ColumnKind.Clustering, i, name, table.Clustering[i].Type);
        int regular = table.RegularColumnIndex(name);
        if (regular >= 0) return new ColumnRef(ColumnKind.Regular, regular, name, table.Regular[regular].Type);
        throw new InvalidRequestException($"Undefined column name {name}");
    }
}

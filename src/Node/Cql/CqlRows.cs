using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Core.Values;

namespace RingStore.Node.Cql;

/// <summary>A table's live rows as result rows (SELECT *, the gRPC Read call): partition key, clustering, then regular columns.</summary>
public static class CqlRows
{
    public static IReadOnlyList<CqlColumn> Columns(TableSchema table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var columns = new List<CqlColumn>();
        columns.AddRange(table.PartitionKey.Select(c => new CqlColumn { Name = c.Name, Type = c.Type }));
        columns.AddRange(table.Clustering.Select(c => new CqlColumn { Name = c.Name, Type = c.Type, Descending = c.Order == ClusteringOrder.Desc }));
        columns.AddRange(table.Regular.Select(c => new CqlColumn { Name = c.Name, Type = c.Type }));
        return columns;
    }

    public static CqlRow Build(TableSchema table, object[] partitionKeyValues, Row row)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(partitionKeyValues);
        ArgumentNullException.ThrowIfNull(row);
        var result = new CqlRow();
        for (int i = 0; i < table.PartitionKey.Count; i++) result.Values.Add(partitionKeyValues[i]);
        var clustering = ClusteringKeyCodec.Decode(table.Clustering, row.Clustering);
        for (int i = 0; i < table.Clustering.Count; i++) result.Values.Add(i < clustering.Length ? clustering[i] : null);
        for (int i = 0; i < table.Regular.Count; i++)
        {
            var cell = row.CellFor(i);
            result.Values.Add(cell is { Value: not null } c ? ValueCodec.Deserialize(table.Regular[i].Type, c.Value) : null);
        }
        return result;
    }
}

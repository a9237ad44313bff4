using RingStore.Client.Protos;
using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using ProtoColumnType = RingStore.Client.Protos.ColumnType;

namespace RingStore.Node.Api;

/// <summary>Live rows of one partition to gRPC result rows: partition key, clustering, then regular columns.</summary>
public static class ResultRowBuilder
{
    public static IReadOnlyList<ColumnDef> Columns(TableSchema table)
    {
        var columns = new List<ColumnDef>();
        columns.AddRange(table.PartitionKey.Select(c => new ColumnDef { Name = c.Name, Type = (ProtoColumnType)c.Type }));
        columns.AddRange(table.Clustering.Select(c => new ColumnDef { Name = c.Name, Type = (ProtoColumnType)c.Type, Descending = c.Order == ClusteringOrder.Desc }));
        columns.AddRange(table.Regular.Select(c => new ColumnDef { Name = c.Name, Type = (ProtoColumnType)c.Type }));
        return columns;
    }

    public static ResultRow Build(TableSchema table, object[] partitionKeyValues, Row row)
    {
        var result = new ResultRow();
        for (int i = 0; i < table.PartitionKey.Count; i++)
            result.Values.Add(ValueConverter.FromClr(table.PartitionKey[i].Type, partitionKeyValues[i]));
        var clustering = ClusteringKeyCodec.Decode(table.Clustering, row.Clustering);
        for (int i = 0; i < table.Clustering.Count; i++)
            result.Values.Add(ValueConverter.FromClr(table.Clustering[i].Type, i < clustering.Length ? clustering[i] : null));
        for (int i = 0; i < table.Regular.Count; i++)
        {
            var cell = row.CellFor(i);
            object? value = cell is { Value: not null } c ? ValueCodec.Deserialize(table.Regular[i].Type, c.Value) : null;
            result.Values.Add(ValueConverter.FromClr(table.Regular[i].Type, value));
        }
        return result;
    }
}

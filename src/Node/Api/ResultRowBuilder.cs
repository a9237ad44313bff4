using RingStore.Client.Protos;
using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Node.Cql;

namespace RingStore.Node.Api;

/// <summary>
/// Live rows of one partition to gRPC result rows (the Read call): partition key, clustering, then regular columns, as
/// the query engine's <see cref="CqlRows"/> (built straight into gRPC values here: the Read call's hot path).
/// </summary>
public static class ResultRowBuilder
{
    public static IReadOnlyList<ColumnDef> Columns(TableSchema table) => CqlRows.Columns(table).Select(CqlOverGrpc.ToProto).ToList();

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

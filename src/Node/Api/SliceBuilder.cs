using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using ProtoBound = RingStore.Client.Protos.Bound;
using ProtoValue = RingStore.Client.Protos.Value;

namespace RingStore.Node.Api;

/// <summary>
/// Clustering bounds from the API. Bounds are in the table's clustering order (a DESC column's "start" is its
/// highest value), which is the order rows are stored and returned in when not reversed.
/// </summary>
public static class SliceBuilder
{
    public static ClusteringSlice Build(TableSchema table, ProtoBound? start, ProtoBound? end) =>
        new(Bound(table, start), Bound(table, end));

    public static ClusteringBound Bound(TableSchema table, ProtoBound? bound) =>
        bound is null || bound.Prefix.Count == 0 ? ClusteringBound.Unbounded : new ClusteringBound(Prefix(table, bound.Prefix), bound.Inclusive);

    public static byte[] Prefix(TableSchema table, IReadOnlyList<ProtoValue> values)
    {
        if (values.Count > table.Clustering.Count)
            throw new Core.Errors.InvalidRequestException($"{table.FullName} has {table.Clustering.Count} clustering column(s), got {values.Count} values.");
        var clr = new object?[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            var column = table.Clustering[i];
            clr[i] = ValueConverter.ToClr(column.Type, values[i], column.Name);
        }
        return ClusteringKeyCodec.Encode(table.Clustering, clr);
    }
}

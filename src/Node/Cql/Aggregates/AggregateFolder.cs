using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Storage.Engine;

namespace RingStore.Node.Cql.Aggregates;

/// <summary>
/// Folds merged partitions (token order, tombstones included; consecutive fragments of one partition allowed) into a
/// partial state: only the live rows at <paramref name="nowSeconds"/> count (deleted rows, expired rows and
/// expired cells are left out after the replicas' versions were merged), per partition when grouping.
/// </summary>
public sealed class AggregateFolder(AggregatePlan plan, TableSchema table, int nowSeconds)
{
    private readonly List<AggregateGroup> _groups = [];

    public AggregateState Total { get; } = AggregateState.For(plan);

    /// <summary>Under GROUP BY: one group per partition with at least one live row, in token order.</summary>
    public IReadOnlyList<AggregateGroup> Groups => _groups;

    public void Add(MergedPartitionData partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        object[]? key = null;
        AggregateState? group = null;
        foreach (var row in LiveRows.Filter(partition.Rows, nowSeconds))
        {
            key ??= PartitionKeyCodec.Deserialize(table.PartitionKey, partition.Key);
            if (plan.GroupByPartition)
            {
                if (group is null)
                {
                    if (_groups.Count > 0 && _groups[^1].Key.AsSpan().SequenceEqual(partition.Key)) group = _groups[^1].State; // a fragment
                    else
                    {
                        group = AggregateState.For(plan);
                        _groups.Add(new AggregateGroup(partition.Key, partition.Token.Value, group));
                    }
                }
                group.Add(plan, key, table, row);
            }
            else
            {
                Total.Add(plan, key, table, row);
            }
        }
    }
}

using RingStore.Core.Data;
using RingStore.Core.Partitioning;

namespace RingStore.Node.Cql;

/// <summary>A live row a SELECT returns, with its partition's key values and token (for projection).</summary>
public sealed record SelectedRow(object[] PartitionKey, Token Token, Row Row);

namespace RingStore.Core.Schema;

/// <summary>A partition-key or regular column.</summary>
public sealed record ColumnDefinition(string Name, ColumnType Type);

/// <summary>A clustering column with its sort order.</summary>
public sealed record ClusteringColumn(string Name, ColumnType Type, ClusteringOrder Order = ClusteringOrder.Asc);

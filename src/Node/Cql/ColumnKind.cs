namespace RingStore.Node.Cql;

/// <summary>Which part of a table a column belongs to.</summary>
public enum ColumnKind
{
    PartitionKey,
    Clustering,
    Regular,
}

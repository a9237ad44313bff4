namespace RingStore.Core.Schema;

/// <summary>Sort order of a clustering column. Persisted: explicit values, append-only.</summary>
public enum ClusteringOrder : byte
{
    Asc = 0,
    Desc = 1,
}

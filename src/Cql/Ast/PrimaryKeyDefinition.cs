namespace RingStore.Cql.Ast;

/// <summary>
/// PRIMARY KEY ((a, b), c, d): partition key columns (at least one) and clustering columns in order.
/// <c>id bigint PRIMARY KEY</c> and <c>PRIMARY KEY (id)</c> both give PartitionKey [id], no clustering.
/// </summary>
public sealed record PrimaryKeyDefinition(ValueList<string> PartitionKey, ValueList<string> Clustering);

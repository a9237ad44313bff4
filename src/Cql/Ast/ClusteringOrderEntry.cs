using RingStore.Core.Schema;

namespace RingStore.Cql.Ast;

/// <summary>One column of WITH CLUSTERING ORDER BY (ts DESC).</summary>
public sealed record ClusteringOrderEntry(string Column, ClusteringOrder Order);

using RingStore.Core.Schema;

namespace RingStore.Cql.Ast;

/// <summary>One column of SELECT ... ORDER BY ck [ASC|DESC] (ASC when omitted).</summary>
public sealed record Ordering(string Column, ClusteringOrder Direction);

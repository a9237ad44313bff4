namespace RingStore.Core.Schema;

/// <summary>
/// A local secondary index on one regular column of a table (CQL <c>CREATE INDEX name ON t (column)</c>). Each node
/// indexes only the rows it holds (src/Storage/Indexes). <see cref="Id"/> is made when the index is created, so an index
/// dropped and re-created under the same name gets fresh storage and never sees the old one's entries.
/// </summary>
public sealed record IndexDefinition(string Name, string Column, Guid Id);

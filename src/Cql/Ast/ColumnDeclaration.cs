using RingStore.Core.Schema;

namespace RingStore.Cql.Ast;

/// <summary>One column of CREATE TABLE. An inline "PRIMARY KEY" is moved into <see cref="PrimaryKeyDefinition"/>.</summary>
public sealed record ColumnDeclaration(string Name, ColumnType Type);

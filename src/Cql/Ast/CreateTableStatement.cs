namespace RingStore.Cql.Ast;

/// <summary>
/// CREATE TABLE [IF NOT EXISTS] [ks.]t (columns..., PRIMARY KEY (...)) [WITH CLUSTERING ORDER BY (...) AND prop = value ...].
/// Syntactic guarantees: at least one column, unique column names, exactly one primary key whose
/// columns are all declared, clustering order only over clustering columns, unique property names.
/// </summary>
public sealed record CreateTableStatement(
    QualifiedName Table,
    bool IfNotExists,
    ValueList<ColumnDeclaration> Columns,
    PrimaryKeyDefinition PrimaryKey,
    ValueList<ClusteringOrderEntry> ClusteringOrder,
    ValueList<PropertyAssignment> Properties) : CqlStatement
{
    public override IEnumerable<Term> Terms() => [];
}

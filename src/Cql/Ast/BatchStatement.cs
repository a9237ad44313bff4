namespace RingStore.Cql.Ast;

/// <summary>BEGIN [UNLOGGED] BATCH [USING TIMESTAMP t] statements APPLY BATCH. Bind markers are numbered across the whole batch.</summary>
public sealed record BatchStatement(BatchKind Kind, UsingClause Using, ValueList<ModificationStatement> Statements) : CqlStatement
{
    public override IEnumerable<Term> Terms() => Using.Terms().Concat(Statements.SelectMany(s => s.Terms()));
}

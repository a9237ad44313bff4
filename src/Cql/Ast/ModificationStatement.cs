namespace RingStore.Cql.Ast;

/// <summary>INSERT, UPDATE or DELETE: the statements a batch may contain.</summary>
public abstract record ModificationStatement(QualifiedName Table, UsingClause Using) : CqlStatement;

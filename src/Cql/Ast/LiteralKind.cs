namespace RingStore.Cql.Ast;

/// <summary>The lexical kind of a constant, named as Cassandra names them in error messages.</summary>
public enum LiteralKind
{
    String,
    Integer,
    Float,
    Boolean,
    /// <summary>A blob written as 0xCAFE.</summary>
    Hex,
    /// <summary>An unquoted 8-4-4-4-12 hex UUID.</summary>
    Uuid,
    Null,
}

using RingStore.Cql.Ast;

namespace RingStore.Node.Cql;

/// <summary>A parsed statement kept by its id: the text and keyspace it was prepared with.</summary>
public sealed record PreparedStatement(byte[] Id, string Text, string Keyspace, CqlStatement Statement);

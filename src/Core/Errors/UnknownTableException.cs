namespace RingStore.Core.Errors;

/// <summary>A keyspace.table that the node does not know.</summary>
public sealed class UnknownTableException : InvalidRequestException
{
    public UnknownTableException(string table) : base($"Unknown table '{table}'.") => Table = table;
    public string Table { get; }
}

namespace RingStore.Core.Errors;

/// <summary>
/// CREATE of a keyspace or table whose name is already taken, without IF NOT EXISTS.
/// Nothing was changed. Maps to CQL's AlreadyExists.
/// </summary>
public sealed class AlreadyExistsException : InvalidRequestException
{
    public AlreadyExistsException(string keyspace, string? table)
        : base(table is null
            ? $"Keyspace '{keyspace}' already exists."
            : $"Table '{keyspace}.{table}' already exists.")
    {
        Keyspace = keyspace;
        Table = table;
    }

    public string Keyspace { get; }

    /// <summary>Null when the keyspace itself already exists.</summary>
    public string? Table { get; }
}

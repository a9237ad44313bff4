namespace RingStore.Cql;

/// <summary>
/// The language's keywords. Reserved ones lex as <see cref="CqlTokenKind.Keyword"/> and cannot name
/// a column unless double-quoted; unreserved ones lex as identifiers and are recognised by position,
/// so columns may be called ttl, timestamp, value, count or key (as in Cassandra).
/// </summary>
public static class CqlKeywords
{
    public static IReadOnlySet<string> Reserved { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ALLOW", "AND", "APPLY", "ASC", "BATCH", "BEGIN", "BY", "CREATE", "DELETE", "DESC", "DROP", "FROM",
        "IF", "IN", "INFINITY", "INSERT", "INTO", "KEYSPACE", "LIMIT", "NAN", "NOT", "NULL", "ORDER",
        "PRIMARY", "SELECT", "SET", "TABLE", "TOKEN", "TRUNCATE", "UNLOGGED", "UPDATE", "USE", "USING",
        "WHERE", "WITH",
    };

    /// <summary>Words with a meaning in some position that stay usable as names.</summary>
    public static IReadOnlySet<string> Unreserved { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "AS", "CLUSTERING", "COUNT", "EXISTS", "FALSE", "FILTERING", "INDEX", "KEY", "ON", "LOGGED", "TIMESTAMP", "TRUE", "TTL", "VALUES",
        "BIGINT", "BLOB", "BOOLEAN", "DOUBLE", "INT", "TEXT", "TIMEUUID", "UUID", "VARCHAR",
    };

    /// <summary>Every keyword, sorted, for completion in the shell.</summary>
    public static IReadOnlyList<string> All { get; } = Reserved.Concat(Unreserved).Order(StringComparer.Ordinal).ToArray();

    public static bool IsReserved(string word) => Reserved.Contains(word.ToUpperInvariant());
}

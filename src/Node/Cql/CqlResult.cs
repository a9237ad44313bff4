namespace RingStore.Node.Cql;

/// <summary>What kind of answer a statement gave.</summary>
public enum CqlResultKind
{
    Void,
    Rows,
    SetKeyspace,
    SchemaChange,
}

/// <summary>
/// A statement's answer in the query engine's own terms: result columns and rows of CLR values (as Core's codecs
/// give them: long, int, string, byte[], bool, double, Guid; null for a missing cell). The front ends convert it: the
/// gRPC API to its ExecuteResponse (src/Node/Api/CqlOverGrpc), the native protocol to a RESULT frame.
/// </summary>
public sealed class CqlResult
{
    public CqlResultKind Kind { get; init; }

    public List<CqlColumn> Columns { get; } = [];

    public List<CqlRow> Rows { get; } = [];

    /// <summary>Set when more rows follow: the same statement with it reads the next page.</summary>
    public byte[]? PagingState { get; set; }

    /// <summary>SetKeyspace: the keyspace now in use.</summary>
    public string Keyspace { get; init; } = "";

    /// <summary>SchemaChange: what changed, e.g. "CREATED TABLE ks.t".</summary>
    public string SchemaChange { get; init; } = "";

    /// <summary>The schema version after a schema statement (applied or not).</summary>
    public string SchemaVersion { get; init; } = "";

    /// <summary>Partial results over token ranges: the fraction of the queried span this page covered (null: not a partial-results query).</summary>
    public double? Coverage { get; set; }

    /// <summary>Partial results: the token ranges this page could not read.</summary>
    public List<CqlTokenRange> MissingRanges { get; } = [];
}

/// <summary>A token range (start exclusive, end inclusive], as partial results report the missing ones.</summary>
public readonly record struct CqlTokenRange(long StartExclusive, long EndInclusive);

/// <summary>
/// A result column, or what a bind marker binds to: its name, its type (null: none, e.g. a marker the statement does
/// not use as a value) and whether a clustering column sorts descending.
/// </summary>
public sealed record CqlColumn
{
    public string Name { get; init; } = "";

    public Core.Schema.ColumnType? Type { get; init; }

    public bool Descending { get; init; }
}

/// <summary>One result row: a CLR value (or null) per result column, in column order.</summary>
public sealed class CqlRow
{
    public List<object?> Values { get; } = [];
}

/// <summary>What a PREPARE describes: the id to execute by, the markers' columns, the result's columns (SELECT) and routing.</summary>
public sealed record CqlPrepared(byte[] Id, string Keyspace, string Table, IReadOnlyList<CqlColumn> BindColumns,
    IReadOnlyList<CqlColumn> ResultColumns, IReadOnlyList<int> PartitionKeyBindIndexes);

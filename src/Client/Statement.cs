using RingStore.Client.Protos;

namespace RingStore.Client;

/// <summary>A statement to execute, with its per-request settings (null = the client's default).</summary>
public abstract class Statement
{
    public Consistency? Consistency { get; set; }

    public int? PageSize { get; set; }

    /// <summary>Resume a SELECT where a previous page ended (from <see cref="ResultSet.PagingState"/>).</summary>
    public byte[]? PagingState { get; set; }

    /// <summary>Write timestamp in µs; null = the client's monotonic clock (so a retry is the same write).</summary>
    public long? TimestampMicros { get; set; }

    /// <summary>Per-request timeout; null = the client's RequestTimeout.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// Safe to send twice? INSERT/UPDATE/DELETE with a client timestamp and SELECT are; schema changes are not
    /// (a retried CREATE may report that it already exists). Only idempotent requests are retried on another node.
    /// </summary>
    public bool? IsIdempotent { get; set; }

    /// <summary>
    /// Opt in to partial results for a range scan or aggregate (as SELECT ... ALLOW PARTIAL RESULTS): token ranges that
    /// cannot be read in time are left out and reported (<see cref="ResultSet.MissingRanges"/>, <see cref="ResultSet.Coverage"/>)
    /// instead of failing the request. Off: all rows or an error.
    /// </summary>
    public bool AllowPartialResults { get; set; }

    public abstract string Cql { get; }

    internal abstract IReadOnlyList<Value> BoundValues { get; }
}

/// <summary>A CQL string with values for its ? markers (types taken from the CLR values).</summary>
public sealed class SimpleStatement(string cql, params object?[] values) : Statement
{
    private readonly Value[] _values = values.Select(Values.ProtoValues.From).ToArray();

    public override string Cql { get; } = cql;

    internal override IReadOnlyList<Value> BoundValues => _values;
}

/// <summary>A prepared statement with its values bound (converted to the types of the columns they bind to).</summary>
public sealed class BoundStatement : Statement
{
    private readonly Value[] _values;

    internal BoundStatement(PreparedStatement prepared, object?[] values)
    {
        if (values.Length != prepared.Metadata.BindColumns.Count)
            throw new ArgumentException($"The statement has {prepared.Metadata.BindColumns.Count} marker(s), got {values.Length} value(s).", nameof(values));
        Prepared = prepared;
        _values = values.Select((v, i) => Values.ProtoValues.From(v, prepared.Metadata.BindColumns[i].Type)).ToArray();
    }

    public PreparedStatement Prepared { get; }

    public override string Cql => Prepared.Cql;

    internal override IReadOnlyList<Value> BoundValues => _values;

    /// <summary>The partition key values, when the markers give all of them (for token-aware routing).</summary>
    internal IReadOnlyList<Value>? PartitionKey =>
        Prepared.Metadata.PartitionKeyBindIndexes.Count == 0 ? null : Prepared.Metadata.PartitionKeyBindIndexes.Select(i => _values[i]).ToArray();
}

/// <summary>A statement parsed once by the cluster; bind values to run it many times.</summary>
public sealed class PreparedStatement(string cql, PrepareResponse metadata)
{
    public string Cql { get; } = cql;

    public PrepareResponse Metadata { get; } = metadata;

    public BoundStatement Bind(params object?[] values) => new(this, values);
}

using RingStore.Client.Protos;

namespace RingStore.Client;

/// <summary>One page of a statement's result: rows (for SELECT), the keyspace now in use (USE), or a schema change.</summary>
public sealed class ResultSet
{
    internal ResultSet(ExecuteResponse response)
    {
        Response = response;
        Columns = response.Columns;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Columns.Count; i++) index.TryAdd(Columns[i].Name, i);
        Rows = response.Rows.Select(r => new Row(index, r.Values)).ToList();
    }

    public ExecuteResponse Response { get; }

    public ExecuteResponse.Types.Kind Kind => Response.Kind;

    public IReadOnlyList<ColumnDef> Columns { get; }

    public IReadOnlyList<Row> Rows { get; }

    /// <summary>Null when this is the last page.</summary>
    public byte[]? PagingState => Response.PagingState.IsEmpty ? null : Response.PagingState.ToByteArray();

    /// <summary>
    /// Warnings the node sent with this result (guardrails: tombstones scanned, batch size, large values, IN lists), as
    /// the native protocol's warnings that cqlsh prints; empty when none.
    /// </summary>
    public IReadOnlyList<string> Warnings => Response.Warnings;

    /// <summary>
    /// Partial-results queries only: the fraction of the queried token span this page covered (1 = complete), and the
    /// token ranges (start exclusive, end inclusive] it could not read. Null / empty for a complete or ordinary query.
    /// </summary>
    public double? Coverage => Response.HasCoverage ? Response.Coverage : null;

    /// <inheritdoc cref="Coverage"/>
    public IReadOnlyList<(long StartExclusive, long EndInclusive)> MissingRanges =>
        Response.MissingRanges.Select(r => (r.StartExclusive, r.EndInclusive)).ToList();

    public string? SchemaChange => Response.SchemaChange.Length == 0 ? null : Response.SchemaChange;
}

/// <summary>A result row with typed access by column name or position.</summary>
public sealed class Row
{
    private readonly Dictionary<string, int> _index;
    private readonly IReadOnlyList<Value> _values;

    internal Row(Dictionary<string, int> index, IReadOnlyList<Value> values)
    {
        _index = index;
        _values = values;
    }

    public int Count => _values.Count;

    public object? this[int position] => Values.ProtoValues.ToClr(_values[position]);

    public object? this[string column] => this[Position(column)];

    public bool IsNull(string column) => this[column] is null;

    /// <summary>The value as T (long, int, string, byte[], bool, double, DateTimeOffset, Guid; nullable types for nulls).</summary>
    public T Get<T>(string column) => Convert<T>(this[column], column);

    public T Get<T>(int position) => Convert<T>(this[position], position.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private int Position(string column) =>
        _index.TryGetValue(column, out int i) ? i : throw new KeyNotFoundException($"No column '{column}' in this result.");

    private static T Convert<T>(object? value, string column) => value switch
    {
        null when default(T) is null => default!,
        null => throw new InvalidCastException($"Column '{column}' is null; read it as a nullable type."),
        T t => t,
        _ => throw new InvalidCastException($"Column '{column}' holds {value.GetType().Name}, not {typeof(T).Name}."),
    };
}

using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Cql;
using RingStore.Cql.Ast;

namespace RingStore.Node.Cql;

/// <summary>
/// Turns the terms of a statement into CLR values for the column each one meets: literals through
/// <see cref="LiteralConverter"/>, '?' markers from the request's <see cref="IBoundValues"/>
/// (each front end converts its own encoding). The column decides the type, so the same '?' can be a bigint or a text.
/// </summary>
public sealed class TermBinder
{
    private readonly IBoundValues _values;

    public TermBinder(IBoundValues values, int markerCount)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != markerCount)
            throw new InvalidRequestException($"There were {markerCount} markers(?) in CQL but {values.Count} bound variables");
        _values = values;
    }

    public object? Value(Term term, ColumnType type, string column) => term switch
    {
        Literal literal => LiteralConverter.ToValue(literal, type, column),
        BindMarker marker => _values.Value(marker.Index, type, column),
        FunctionCall call => throw new InvalidRequestException($"Function {call.Name}() cannot be used as the value of {column}"),
        _ => throw new InvalidRequestException($"Unsupported term for {column}"),
    };

    /// <summary>A key column's value: null is refused with Cassandra's message.</summary>
    public object KeyValue(Term term, ColumnRef column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return Value(term, column.Type, column.Name) ?? throw new InvalidRequestException($"Invalid null value in condition for column {column.Name}");
    }

    /// <summary>A USING TTL / TIMESTAMP or LIMIT value.</summary>
    public long Long(Term term, string what)
    {
        var value = Value(term, ColumnType.BigInt, what) ?? throw new InvalidRequestException($"Invalid null value of {what}");
        return (long)value;
    }

    /// <summary>The right side of a token restriction: a bigint, or token(values...) of the partition key.</summary>
    public long Token(Term term, TableSchema table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (term is not FunctionCall call) return Long(term, "partition key token");
        if (call.Arguments.Count != table.PartitionKey.Count)
            throw new InvalidRequestException($"Invalid number of arguments in call to function token: {table.PartitionKey.Count} required but {call.Arguments.Count} provided");
        var values = new object?[call.Arguments.Count];
        for (int i = 0; i < values.Length; i++)
        {
            var column = table.PartitionKey[i];
            values[i] = Value(call.Arguments[i], column.Type, column.Name) ?? throw new InvalidRequestException($"Invalid null value for argument {column.Name} of token");
        }
        return Murmur3Partitioner.GetToken(PartitionKeyCodec.Serialize(table.PartitionKey, values)).Value;
    }
}

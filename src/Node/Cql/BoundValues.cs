using RingStore.Core.Errors;
using RingStore.Core.Schema;

namespace RingStore.Node.Cql;

/// <summary>
/// The values bound to a statement's '?' markers, in marker order, as a front end received them. The binder asks for
/// each as the CLR value of the column type its marker meets (the column decides the type, so one front end's value
/// can be a bigint here and an int there); null is a null value. Each front end converts its own encoding
/// (src/Node/Api: gRPC values; the node's own statements: <see cref="ClrBoundValues"/>).
/// </summary>
public interface IBoundValues
{
    int Count { get; }

    /// <exception cref="InvalidRequestException">The value does not fit <paramref name="type"/>; names <paramref name="column"/>.</exception>
    object? Value(int index, ColumnType type, string column);
}

/// <summary>No bound values.</summary>
public static class BoundValues
{
    public static IBoundValues None { get; } = new ClrBoundValues([]);
}

/// <summary>
/// Values that are CLR values already (the node's own statements, e.g. system_auth): each must be the column type's
/// CLR type (an int widens to a bigint or timestamp).
/// </summary>
public sealed class ClrBoundValues(IReadOnlyList<object?> values) : IBoundValues
{
    public int Count => values.Count;

    public object? Value(int index, ColumnType type, string column) => (type, values[index]) switch
    {
        (_, null) => null,
        (ColumnType.BigInt or ColumnType.Timestamp, int i) => (long)i,
        (ColumnType.BigInt or ColumnType.Timestamp, long l) => l,
        (ColumnType.Int, int i) => i,
        (ColumnType.Text, string s) => s,
        (ColumnType.Blob, byte[] b) => b,
        (ColumnType.Boolean, bool b) => b,
        (ColumnType.Double, double d) => d,
        (ColumnType.Uuid or ColumnType.TimeUuid, Guid g) => g,
        (_, var other) => throw new InvalidRequestException($"Column '{column}' is {type.ToString().ToLowerInvariant()} but the value is {other.GetType().Name}."),
    };
}

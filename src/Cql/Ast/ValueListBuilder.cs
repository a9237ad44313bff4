namespace RingStore.Cql.Ast;

/// <summary>Builds <see cref="ValueList{T}"/> from collection expressions (<c>["id", "ts"]</c>).</summary>
public static class ValueListBuilder
{
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) =>
        items.IsEmpty ? ValueList<T>.Empty : ValueList<T>.Wrap(items.ToArray());
}

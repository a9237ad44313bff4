using System.Collections;
using System.Runtime.CompilerServices;

namespace RingStore.Cql.Ast;

/// <summary>
/// An immutable list compared by its elements. AST records hold their lists in this type so that
/// record equality is structural: two parses of the same text are equal, which the round-trip
/// property (parse(format(ast)) == ast) and every test assertion rely on.
/// </summary>
[CollectionBuilder(typeof(ValueListBuilder), nameof(ValueListBuilder.Create))]
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] _items;

    public ValueList(IEnumerable<T> items) => _items = items.ToArray();

    private ValueList(T[] items, bool _) => _items = items;

    public static ValueList<T> Empty { get; } = new([], false);

    internal static ValueList<T> Wrap(T[] items) => new(items, false);

    public int Count => _items.Length;

    public T this[int index] => _items[index];

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(ValueList<T>? other) =>
        other is not null && _items.AsSpan().SequenceEqual(other._items, EqualityComparer<T>.Default);

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items) hash.Add(item);
        return hash.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}

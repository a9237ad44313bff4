namespace RingStore.Core.Schema;

/// <summary>A table's indexes with equality by content, so <see cref="TableOptions"/> (a record) compares them by value.</summary>
public sealed class IndexList(IReadOnlyList<IndexDefinition> items) : IReadOnlyList<IndexDefinition>, IEquatable<IndexList>
{
    private readonly IndexDefinition[] _items = [.. items];

    public static IndexList Empty { get; } = new([]);

    public IndexDefinition this[int index] => _items[index];

    public int Count => _items.Length;

    public IEnumerator<IndexDefinition> GetEnumerator() => ((IEnumerable<IndexDefinition>)_items).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(IndexList? other) => other is not null && _items.AsSpan().SequenceEqual(other._items);

    public override bool Equals(object? obj) => Equals(obj as IndexList);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items) hash.Add(item);
        return hash.ToHashCode();
    }

    public override string ToString() => $"[{string.Join(", ", _items.Select(i => $"{i.Name}({i.Column})"))}]";
}

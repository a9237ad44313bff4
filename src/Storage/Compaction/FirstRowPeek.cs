using RingStore.Core.Data;

namespace RingStore.Storage.Compaction;

/// <summary>
/// Lets compaction learn whether a purged partition has any row left without enumerating (let alone keeping) the
/// rest: it reads the first row, then hands out one enumeration that yields that row and continues the same
/// enumerator. A wide partition thus streams from the inputs to the writer; only one row is ever held here.
/// </summary>
internal sealed class FirstRowPeek : IDisposable
{
    private readonly IEnumerator<Row> _rows;
    private readonly bool _hasFirst;
    private bool _handedOut;

    public FirstRowPeek(IEnumerable<Row> rows)
    {
        _rows = rows.GetEnumerator();
        _hasFirst = _rows.MoveNext();
    }

    public bool IsEmpty => !_hasFirst;

    /// <summary>The rows, first one included; can be enumerated once.</summary>
    public IEnumerable<Row> Rows()
    {
        if (_handedOut) throw new InvalidOperationException("The rows of a compacted partition are enumerated once.");
        _handedOut = true;
        return Enumerate();
    }

    private IEnumerable<Row> Enumerate()
    {
        if (!_hasFirst) yield break;
        yield return _rows.Current;
        while (_rows.MoveNext()) yield return _rows.Current;
    }

    public void Dispose() => _rows.Dispose();
}

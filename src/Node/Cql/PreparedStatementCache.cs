using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;
using RingStore.Cql;

namespace RingStore.Node.Cql;

/// <summary>
/// Statements parsed once, found again by id. The id is XxHash128 of keyspace and text, so every node computes
/// the same id for the same statement, and a node that never saw the Prepare (or forgot it) re-parses the text
/// that every Execute carries. Bounded: past <see cref="MaxEntries"/> the cache starts over (re-parsing is cheap).
/// </summary>
public sealed class PreparedStatementCache
{
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, PreparedStatement> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public static byte[] IdOf(string keyspace, string text)
    {
        ArgumentNullException.ThrowIfNull(keyspace);
        ArgumentNullException.ThrowIfNull(text);
        // The separator keeps ("a", "bc") and ("ab", "c") apart; neither a keyspace name nor CQL text holds a NUL.
        return XxHash128.Hash(Encoding.UTF8.GetBytes(keyspace + "\0" + text));
    }

    /// <summary>Parses (throwing the syntax error) or returns the cached parse.</summary>
    public PreparedStatement GetOrParse(string keyspace, string text)
    {
        byte[] id = IdOf(keyspace, text);
        string key = Convert.ToHexString(id);
        if (_entries.TryGetValue(key, out var found)) return found;
        var prepared = new PreparedStatement(id, text, keyspace, CqlParser.Parse(text));
        if (_entries.Count >= MaxEntries) _entries.Clear();
        return _entries.GetOrAdd(key, prepared);
    }

    public bool TryGet(ReadOnlySpan<byte> id, out PreparedStatement? prepared) => _entries.TryGetValue(Convert.ToHexString(id), out prepared);
}

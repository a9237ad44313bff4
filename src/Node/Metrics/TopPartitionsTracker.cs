using System.Collections.Concurrent;
using RingStore.Core.Data;

namespace RingStore.Node.Metrics;

/// <summary>
/// Per table, the partitions this node serves most as a replica, by reads and by writes (nodetool toppartitions),
/// each a <see cref="SpaceSaving{TKey}"/> sketch so memory stays bounded however many keys there are.
/// <see cref="DefaultCapacity"/> counters per table and kind: a sketch's error is at most total/capacity, so with 64
/// counters a table of thousands of keys written once each showed "count 187, error 186" for every entry; with 2048 the
/// top of a skewed (Zipf) workload comes out with errors far below the counts, and a flat workload is marked as not
/// significant (<see cref="HeavyHitter{TKey}.Guaranteed"/>). Memory when full: 2048 keys with their counters and set
/// nodes, an estimated few hundred KiB per table and kind (not measured).
/// </summary>
public sealed class TopPartitionsTracker(int capacity = TopPartitionsTracker.DefaultCapacity)
{
    public const int DefaultCapacity = 2048;

    /// <summary>
    /// Keyed by the partition key's bytes, compared by content: a hex string per operation was an allocation on every
    /// replica write and read; the hex is made only for <see cref="Top"/>.
    /// </summary>
    private sealed class TableSketches(int capacity)
    {
        public readonly SpaceSaving<byte[]> Reads = new(capacity, ByteArrayComparer.Instance);
        public readonly SpaceSaving<byte[]> Writes = new(capacity, ByteArrayComparer.Instance);
    }

    private readonly ConcurrentDictionary<string, TableSketches> _tables = new(StringComparer.Ordinal);

    /// <summary>The key is kept by reference when it enters the sketch: partition keys are never modified once built.</summary>
    public void RecordRead(string table, byte[] partitionKey) => Record(table, partitionKey, write: false);

    public void RecordWrite(string table, byte[] partitionKey) => Record(table, partitionKey, write: true);

    private void Record(string table, byte[] partitionKey, bool write)
    {
        // TryGetValue first: GetOrAdd's factory captures this tracker, a delegate allocated on every call.
        if (!_tables.TryGetValue(table, out var sketches)) sketches = _tables.GetOrAdd(table, static (_, c) => new TableSketches(c), capacity);
        var sketch = write ? sketches.Writes : sketches.Reads;
        lock (sketch) sketch.Add(partitionKey);
    }

    /// <summary>The hottest partitions (hex keys) of every table, at most <paramref name="n"/> per table and kind.</summary>
    public IReadOnlyList<(string Table, bool IsWrite, HeavyHitter<string> Hitter)> Top(int n)
    {
        var result = new List<(string, bool, HeavyHitter<string>)>();
        foreach (var (table, sketches) in _tables)
        {
            lock (sketches.Reads) result.AddRange(sketches.Reads.Top(n).Select(h => (table, false, Hex(h))));
            lock (sketches.Writes) result.AddRange(sketches.Writes.Top(n).Select(h => (table, true, Hex(h))));
        }
        return result;
    }

    private static HeavyHitter<string> Hex(HeavyHitter<byte[]> h) => new(Convert.ToHexString(h.Item), h.Count, h.Error, h.Guaranteed);
}

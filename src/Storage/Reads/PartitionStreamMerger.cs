using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Storage.Memtables;

namespace RingStore.Storage.Reads;

/// <summary>
/// Merges several streams of partitions, each in (token, key) order, into one stream of merged
/// partitions in the same order. Used by token-range reads and by compaction.
/// </summary>
public static class PartitionStreamMerger
{
    private readonly record struct Position(Token Token, byte[] Key);

    private sealed class PositionComparer : IComparer<Position>
    {
        public static readonly PositionComparer Instance = new();
        public int Compare(Position a, Position b)
        {
            int c = a.Token.CompareTo(b.Token);
            return c != 0 ? c : a.Key.AsSpan().SequenceCompareTo(b.Key);
        }
    }

    public static IEnumerable<MergedPartition> Merge(IReadOnlyList<IEnumerator<PartitionSnapshot>> streams)
    {
        var queue = new PriorityQueue<IEnumerator<PartitionSnapshot>, Position>(streams.Count, PositionComparer.Instance);
        try
        {
            foreach (var s in streams)
                if (s.MoveNext()) queue.Enqueue(s, new Position(s.Current.Token, s.Current.Key));
            var group = new List<PartitionSnapshot>();
            var advance = new List<IEnumerator<PartitionSnapshot>>();
            while (queue.TryDequeue(out var first, out var pos))
            {
                group.Clear();
                advance.Clear();
                group.Add(first.Current);
                advance.Add(first);
                while (queue.TryPeek(out var next, out var nextPos) && PositionComparer.Instance.Compare(nextPos, pos) == 0)
                {
                    queue.Dequeue();
                    group.Add(next.Current);
                    advance.Add(next);
                }
                // The merged rows are lazy over the group's row streams: consume them before advancing.
                var merged = PartitionMerger.Merge(group.ToArray(), reversed: false)!;
                yield return merged;
                foreach (var s in advance)
                    if (s.MoveNext()) queue.Enqueue(s, new Position(s.Current.Token, s.Current.Key));
            }
        }
        finally
        {
            foreach (var s in streams) s.Dispose();
        }
    }
}

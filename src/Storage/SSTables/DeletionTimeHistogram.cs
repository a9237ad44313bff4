using RingStore.Core.Serialization;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Counts of local deletion times (seconds) of an SSTable's tombstones and expiring data, in equal-width bins whose
/// width doubles whenever more than <see cref="MaxBins"/> would be needed, so it stays small however the times spread.
/// It answers "how many are certainly older than a second" from below (a bin counts only when it ends before it),
/// so a tombstone compaction chosen by it never expects more purging than there is. Also counts every cell and
/// deletion (<see cref="Total"/>) for the droppable ratio. Immutable once built.
/// </summary>
public sealed class DeletionTimeHistogram
{
    public const int MaxBins = 128;
    private const int InitialWidthSeconds = 60;

    public static readonly DeletionTimeHistogram Empty = new(InitialWidthSeconds, [], 0);

    private readonly KeyValuePair<long, long>[] _bins; // bin start (seconds), count; ascending

    private DeletionTimeHistogram(long widthSeconds, KeyValuePair<long, long>[] bins, long total)
    {
        WidthSeconds = widthSeconds;
        _bins = bins;
        Total = total;
    }

    public long WidthSeconds { get; }

    /// <summary>Cells, row deletions, range tombstones and partition deletions counted, whether or not they expire.</summary>
    public long Total { get; }

    public long Count => _bins.Sum(b => b.Value);

    /// <summary>How many local deletion times are certainly below <paramref name="beforeSeconds"/>.</summary>
    public long CountBefore(long beforeSeconds)
    {
        long n = 0;
        foreach (var b in _bins)
        {
            if (b.Key + WidthSeconds > beforeSeconds) break;
            n += b.Value;
        }
        return n;
    }

    /// <summary>The share of <see cref="Total"/> droppable before <paramref name="gcBeforeSeconds"/> (0 if nothing was counted).</summary>
    public double DroppableRatio(long gcBeforeSeconds) => Total == 0 ? 0 : (double)CountBefore(gcBeforeSeconds) / Total;

    internal void Serialize(BinaryWriterBuffer w)
    {
        w.WriteVarUInt((ulong)WidthSeconds);
        w.WriteVarUInt((ulong)Total);
        w.WriteVarUInt((ulong)_bins.Length);
        foreach (var b in _bins)
        {
            w.WriteInt64(b.Key);
            w.WriteVarUInt((ulong)b.Value);
        }
    }

    internal static DeletionTimeHistogram Deserialize(ref BinaryReaderSpan r)
    {
        long width = (long)r.ReadVarUInt();
        long total = (long)r.ReadVarUInt();
        ulong count = r.ReadVarUInt();
        if (width < 1 || count > MaxBins) throw new FormatException($"deletion-time histogram of {count} bins of {width} s");
        var bins = new KeyValuePair<long, long>[count];
        for (int i = 0; i < bins.Length; i++) bins[i] = new(r.ReadInt64(), (long)r.ReadVarUInt());
        return new DeletionTimeHistogram(width, bins, total);
    }

    /// <summary>Accumulates a histogram while an SSTable is written. Not thread-safe.</summary>
    public sealed class Builder
    {
        private Dictionary<long, long> _bins = [];
        private long _width = InitialWidthSeconds;
        private long _total;

        /// <summary>Counts one cell or deletion that never expires.</summary>
        public void AddPermanent() => _total++;

        /// <summary>Counts one tombstone or expiring cell with its local deletion (expiry) second.</summary>
        public void Add(int localDeletionTimeSeconds)
        {
            _total++;
            long start = BinOf(localDeletionTimeSeconds, _width);
            _bins[start] = _bins.GetValueOrDefault(start) + 1;
            while (_bins.Count > MaxBins) Widen();
        }

        private void Widen()
        {
            _width *= 2;
            var wider = new Dictionary<long, long>();
            foreach (var (start, n) in _bins)
            {
                long s = BinOf(start, _width);
                wider[s] = wider.GetValueOrDefault(s) + n;
            }
            _bins = wider;
        }

        private static long BinOf(long seconds, long width) => (long)Math.Floor((double)seconds / width) * width;

        public DeletionTimeHistogram Build() =>
            new(_width, _bins.OrderBy(b => b.Key).ToArray(), _total);
    }
}

using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Storage.IO;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Reads what can still be read of one SSTable generation, for scrub (nodetool scrub): every partition, in order, whose
/// header and rows verify; what cannot be read is skipped and counted in <see cref="Tally"/>. Opens Data and Index on
/// handles of its own (a live reader of the same generation is neither used nor marked), and takes nothing from
/// Summary, Filter or Statistics, so damage there costs nothing (the rewrite makes them anew).
/// <para>Partitions are found through the Index: each entry gives the partition's place and length in Data, so a bad
/// Data block costs only the partitions (and, for a partition with a row index, the row stretches) it touches. A bad
/// Index block loses its entries; the walk resynchronises at the first entry of a later good block that decodes and is
/// consistent (its token is the hash of its key, it sorts after the previous one and points past it into Data), and
/// the stretch of Data between the last entry before the damage and that one is scanned sequentially, partition by
/// partition (the format has no sync markers in Data, so a bad Data block inside such a stretch loses the rest of the
/// stretch, counted in bytes with unknown keys). An unreadable Index header means a sequential scan of all of Data.</para>
/// </summary>
internal sealed class SSTableSalvager : IDisposable
{
    private readonly ChecksummedBlockFile? _data;
    private readonly ChecksummedBlockFile? _index;
    private readonly HashSet<long> _badIndexBlocks = [];
    private Token _lastToken;
    private byte[]? _lastKey;

    private SSTableSalvager(ChecksummedBlockFile? data, ChecksummedBlockFile? index)
    {
        _data = data;
        _index = index;
    }

    public SalvageTally Tally { get; } = new();

    public static SSTableSalvager Open(IStorageFileSystem fs, string directory, long generation)
    {
        ArgumentNullException.ThrowIfNull(fs);
        var data = TryOpen(fs, SSTableFileNames.PathOf(directory, generation, SSTableComponent.Data), FileHeader.DataMagic);
        var index = TryOpen(fs, SSTableFileNames.PathOf(directory, generation, SSTableComponent.Index), FileHeader.IndexMagic);
        var salvager = new SSTableSalvager(data, index);
        salvager.CountBadBlocks();
        return salvager;
    }

    private static ChecksummedBlockFile? TryOpen(IStorageFileSystem fs, string path, uint magic)
    {
        IReadableFile? file = null;
        try
        {
            file = fs.OpenRead(path);
            return ChecksummedBlockFile.Open(file, magic);
        }
        catch (IOException)
        {
            // A damaged header or a missing file: nothing of it can be located (CorruptSSTableException is an IOException).
            file?.Dispose();
            return null;
        }
    }

    private void CountBadBlocks()
    {
        if (_data is null) Tally.DataBlocksBad = 1; // the header: nothing in the file can be located
        else Tally.DataBlocksBad = BadBlocks(_data).Count;
        if (_index is null)
        {
            Tally.IndexBlocksBad = 1;
            Tally.UsedSequentialDataScan = _data is not null;
        }
        else
        {
            _badIndexBlocks.UnionWith(BadBlocks(_index));
            Tally.IndexBlocksBad = _badIndexBlocks.Count;
        }
    }

    private static List<long> BadBlocks(ChecksummedBlockFile file)
    {
        var bad = new List<long>();
        for (long b = 0; b < file.BlockCount; b++)
        {
            try { file.VerifyBlock(b); }
            catch (CorruptSSTableException) { bad.Add(b); }
        }
        return bad;
    }

    /// <summary>
    /// The readable partitions in (token, key) order. Each partition's <see cref="SSTablePartition.Rows"/> must be
    /// enumerated (or not) before the next partition is asked for; it is read once, lazily.
    /// </summary>
    public IEnumerable<SSTablePartition> Partitions()
    {
        if (_data is null)
        {
            // Nothing can be read; the Index may still say what was lost.
            foreach (var entry in IndexEntries()) Tally.NoteLostKey(entry.Key);
            yield break;
        }
        long expected = 0;
        foreach (var entry in IndexEntries())
        {
            if (entry.DataPosition > expected)
                foreach (var p in ScanSequentially(expected, entry.DataPosition)) yield return p;
            foreach (var p in ReadIndexed(entry)) yield return p;
            expected = entry.DataPosition + entry.DataLength;
        }
        if (expected < _data.LogicalLength)
            foreach (var p in ScanSequentially(expected, _data.LogicalLength)) yield return p;
    }

    /// <summary>The partition an Index entry points at (none when its header cannot be read).</summary>
    private IEnumerable<SSTablePartition> ReadIndexed(IndexEntry entry)
    {
        var header = TryReadHeader(entry.DataPosition, out long firstRow);
        if (header is null || !header.Value.Key.AsSpan().SequenceEqual(entry.Key))
        {
            Tally.NoteLostKey(entry.Key);
            yield break;
        }
        var rows = new SalvagedRows(_data!, firstRow, entry);
        foreach (var p in Emit(header.Value, entry.Token, rows)) yield return p;
    }

    /// <summary>
    /// Partitions of Data between <paramref name="start"/> and <paramref name="end"/>, which no readable Index entry
    /// describes: each starts where the previous one ended, so the first one that cannot be read ends the stretch.
    /// </summary>
    private IEnumerable<SSTablePartition> ScanSequentially(long start, long end)
    {
        Tally.UsedSequentialDataScan = true;
        long position = start;
        while (position < end)
        {
            var header = TryReadHeader(position, out long firstRow);
            if (header is null || header.Value.Key.Length == 0)
            {
                Tally.DataBytesUnaccounted += end - position;
                yield break;
            }
            var token = Murmur3Partitioner.GetToken(header.Value.Key);
            var rows = new SalvagedRows(_data!, firstRow, entry: null);
            foreach (var p in Emit(header.Value, token, rows)) yield return p;
            if (!rows.Completed)
            {
                Tally.DataBytesUnaccounted += Math.Max(0, end - rows.EndPosition);
                yield break;
            }
            position = rows.EndPosition;
        }
    }

    /// <summary>Yields the partition if anything of it is left and it sorts after the last one, then counts it.</summary>
    private IEnumerable<SSTablePartition> Emit((byte[] Key, DeletionTime Deletion, RangeTombstone[] RangeTombstones) header, Token token,
        SalvagedRows rows)
    {
        bool inOrder = _lastKey is null || IndexEntry.Compare(_lastToken, _lastKey, token, header.Key) < 0;
        bool emptyHeader = header.Deletion.IsLive && header.RangeTombstones.Length == 0;
        if (!inOrder || (emptyHeader && !rows.HasAnyRow() && rows.Damaged))
        {
            // Out of order cannot happen with matching checksums; a writer would refuse it, so it is dropped.
            rows.Drain();
            Tally.NoteLostKey(header.Key);
            yield break;
        }
        yield return new SSTablePartition(header.Key, token, header.Deletion, header.RangeTombstones, rows.Rows());
        rows.Drain();
        _lastKey = header.Key;
        _lastToken = token;
        Tally.PartitionsKept++;
        Tally.RowsKept += rows.Kept;
        if (rows.Damaged)
        {
            Tally.PartitionsDamaged++;
            Tally.NoteLostKey(header.Key);
        }
    }

    private (byte[] Key, DeletionTime Deletion, RangeTombstone[] RangeTombstones)? TryReadHeader(long position, out long firstRow)
    {
        firstRow = 0;
        using var cursor = new BlockCursor(_data!, position);
        byte[] scratch = new byte[256];
        try
        {
            var header = PartitionRowReader.ReadHeader(cursor, ref scratch);
            firstRow = cursor.Position;
            return header;
        }
        catch (CorruptSSTableException)
        {
            return null;
        }
    }

    /// <summary>Every Index entry that can be read and is consistent, in order, resynchronising past bad blocks.</summary>
    private IEnumerable<IndexEntry> IndexEntries()
    {
        if (_index is null) yield break;
        using var cursor = new BlockCursor(_index, 0);
        byte[] scratch = new byte[256];
        IndexEntry? last = null;
        while (!cursor.AtEnd)
        {
            long at = cursor.Position;
            if (TryReadEntry(cursor, ref scratch, last) is { } entry)
            {
                last = entry;
                yield return entry;
                continue;
            }
            if (!Resynchronise(cursor, ref scratch, at, last)) yield break;
        }
    }

    /// <summary>
    /// Positions <paramref name="cursor"/> at the first consistent entry in a good block after the damage met at
    /// <paramref name="failedAt"/>; false when there is none (the rest of Data is then scanned sequentially).
    /// </summary>
    private bool Resynchronise(BlockCursor cursor, ref byte[] scratch, long failedAt, IndexEntry? last)
    {
        var index = _index!;
        long firstBad = failedAt / index.BlockSize;
        long nextBad = _badIndexBlocks.Where(b => b >= firstBad).DefaultIfEmpty(firstBad).Min();
        for (long block = nextBad + 1; block < index.BlockCount; block++)
        {
            if (_badIndexBlocks.Contains(block)) continue;
            long blockEnd = Math.Min((block + 1) * index.BlockSize, index.LogicalLength);
            for (long candidate = block * index.BlockSize; candidate < blockEnd; candidate++)
            {
                cursor.Position = candidate;
                if (TryReadEntry(cursor, ref scratch, last) is null) continue;
                cursor.Position = candidate;
                return true;
            }
        }
        return false;
    }

    /// <summary>The entry at the cursor if it decodes and is consistent with <paramref name="last"/> and Data; else null.</summary>
    private IndexEntry? TryReadEntry(BlockCursor cursor, ref byte[] scratch, IndexEntry? last)
    {
        IndexEntry entry;
        try
        {
            entry = IndexEntry.Read(cursor, ref scratch, _index!.FormatVersion, static (_, _) => true)!;
        }
        catch (Exception e) when (e is CorruptSSTableException or FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
        long previousEnd = last is null ? 0 : last.DataPosition + last.DataLength;
        bool consistent = entry.Key.Length > 0
            && Murmur3Partitioner.GetToken(entry.Key) == entry.Token
            && (last is null || IndexEntry.Compare(last.Token, last.Key, entry.Token, entry.Key) < 0)
            && entry.DataPosition >= previousEnd
            && entry.DataLength > 0
            && (_data is null || entry.DataPosition + entry.DataLength <= _data.LogicalLength);
        return consistent ? entry : null;
    }

    public void Dispose()
    {
        _data?.Dispose();
        _index?.Dispose();
    }
}

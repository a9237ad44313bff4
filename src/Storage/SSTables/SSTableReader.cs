using System.Text;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Storage.IO;

namespace RingStore.Storage.SSTables;

/// <summary>
/// An open, immutable SSTable. Summary, bloom filter and statistics are read whole at open, their CRC checked then, and
/// live in memory from then on (later changes to those files on disk cannot reach a read; <see cref="Verify"/> re-reads
/// them). Data and Index are read per block, each block's CRC checked every time a read uses it, so any number of
/// threads may read at once and a block corrupted after open is never returned as data.
/// Lifetime: the reader starts with one reference, owned by whoever opened it and given back by
/// <see cref="Dispose"/>. Readers of a table-set snapshot take extra references with
/// <see cref="TryAcquire"/>/<see cref="Release"/>; compaction calls <see cref="MarkObsolete"/> and the
/// files are deleted when the last reference goes, so an in-flight read never loses its files.
/// Lazy row enumerations must finish while a reference is held.
/// </summary>
public sealed class SSTableReader : IDisposable
{
    private readonly IStorageFileSystem _fs;
    private readonly ChecksummedBlockFile _data;
    private readonly PartitionIndexReader _index;
    private readonly BloomFilter _filter;
    private CorruptSSTableException? _corruption;
    private Action<SSTableReader, CorruptSSTableException>? _onCorrupt;
    private int _references = 1;
    private int _ownerReleased;
    private volatile bool _obsolete;

    private SSTableReader(IStorageFileSystem fs, string directory, long generation, ChecksummedBlockFile data,
        PartitionIndexReader index, BloomFilter filter, SSTableStatistics statistics, long sizeOnDisk)
    {
        _fs = fs;
        Directory = directory;
        Generation = generation;
        _data = data;
        _index = index;
        _filter = filter;
        Statistics = statistics;
        SizeOnDiskBytes = sizeOnDisk;
        data.Corrupted = MarkCorrupt;
        index.File.Corrupted = MarkCorrupt;
    }

    /// <summary>
    /// The first corruption found in this SSTable's Data or Index since open, or null. Once set the SSTable is
    /// unreadable: every later read that may concern it (<see cref="ReadPartition(byte[], ClusteringSlice, bool)"/> past
    /// the bloom filter and token bounds, a <see cref="Scan"/> overlapping its tokens) throws
    /// <see cref="CorruptSSTableException"/> instead of answering, so a replica never answers "no data" for a partition
    /// it may hold (a QUORUM read could take that as the newest answer).
    /// </summary>
    public CorruptSSTableException? Corruption => Volatile.Read(ref _corruption);

    public bool IsCorrupt => Corruption is not null;

    /// <summary>
    /// Marks the SSTable unreadable (first corruption wins); the observer set by
    /// <see cref="ObserveCorruption"/> hears of it once. Called by the Data and Index files on every corruption they find.
    /// </summary>
    internal void MarkCorrupt(CorruptSSTableException e)
    {
        if (Interlocked.CompareExchange(ref _corruption, e, null) is null) Volatile.Read(ref _onCorrupt)?.Invoke(this, e);
    }

    /// <summary>Sets who hears of this SSTable becoming corrupt (the table store, which logs it); the first caller wins.</summary>
    internal void ObserveCorruption(Action<SSTableReader, CorruptSSTableException> observer)
    {
        if (Interlocked.CompareExchange(ref _onCorrupt, observer, null) is null && Corruption is { } already) observer(this, already);
    }

    private void ThrowIfCorrupt(string what)
    {
        if (Corruption is { } c)
            throw new CorruptSSTableException(c.File, c.Offset, $"SSTable generation {Generation} was marked unreadable ({c.Message}); refusing {what}", c);
    }

    public string Directory { get; }

    public long Generation { get; }

    public string DataPath => _data.Path;

    public SSTableStatistics Statistics { get; }

    /// <summary>The Data file's compression ("LZ4", "Zstd"), or null when it is not compressed.</summary>
    public string? Compression => _data.CompressionName;

    /// <summary>Data format version: 1 uncompressed fixed-stride blocks, 2 compressed chunks.</summary>
    public int DataFormatVersion => _data.FormatVersion;

    /// <summary>Uncompressed bytes of the Data stream (what the stored chunks decompress to).</summary>
    public long DataLogicalBytes => _data.LogicalLength;

    /// <summary>Bytes of all components, TOC included.</summary>
    public long SizeOnDiskBytes { get; }

    public bool IsObsolete => _obsolete;

    /// <summary>
    /// Reads of this SSTable's compressed Data chunks go through the node's <paramref name="cache"/> from now on (null:
    /// none): every read uses the chunks cached, only point reads insert (see <see cref="ChunkCacheFill"/>). The engine
    /// sets it when the SSTable enters a table's view; the cache's entries for this file go when it closes.
    /// </summary>
    internal void UseChunkCache(ChunkCache? cache) => _data.UseChunkCache(cache);

    /// <summary>The Data file (tests look at its chunks).</summary>
    internal ChecksummedBlockFile DataFile => _data;

    /// <summary>Data blocks read from disk since open (tests assert seeks with it).</summary>
    internal long DataBlocksRead => _data.BlocksRead;

    internal long IndexBlocksRead => _index.File.BlocksRead;

    /// <summary>True when Data is read through a memory map (tests check which read path they exercise).</summary>
    internal bool IsDataMapped => _data.IsMapped;

    /// <summary>Data blocks walked by reads, cache hits included (what a seek saves).</summary>
    internal long DataBlocksAccessed => _data.BlocksAccessed;

    internal long IndexBlocksAccessed => _index.File.BlocksAccessed;

    public static SSTableReader Open(IStorageFileSystem fs, string directory, long generation) =>
        Open(fs, directory, generation, requireToc: true);

    /// <summary>
    /// Opens the components of a generation whose TOC is not written yet (a streamed SSTable is verified before its
    /// commit point, so a crash never leaves an unverified SSTable that opens at restart).
    /// </summary>
    internal static SSTableReader OpenWithoutToc(IStorageFileSystem fs, string directory, long generation) =>
        Open(fs, directory, generation, requireToc: false);

    private static SSTableReader Open(IStorageFileSystem fs, string directory, long generation, bool requireToc)
    {
        ArgumentNullException.ThrowIfNull(fs);
        string tocPath = SSTableFileNames.PathOf(directory, generation, SSTableComponent.Toc);
        if (requireToc) ValidateToc(fs, tocPath, generation);
        string Path(SSTableComponent c) => SSTableFileNames.PathOf(directory, generation, c);

        var statistics = SSTableStatistics.Deserialize(
            WholeFileCodec.Read(fs, Path(SSTableComponent.Statistics), FileHeader.StatisticsMagic, out _), Path(SSTableComponent.Statistics));
        byte[] summaryBody = WholeFileCodec.Read(fs, Path(SSTableComponent.Summary), FileHeader.SummaryMagic, out uint interval);
        var summary = IndexSummary.Deserialize(summaryBody, (int)Math.Max(1, interval), Path(SSTableComponent.Summary));
        byte[] filterBody = WholeFileCodec.Read(fs, Path(SSTableComponent.Filter), FileHeader.FilterMagic, out uint hashCount);
        var filter = BloomFilter.Deserialize(filterBody, (int)hashCount, Path(SSTableComponent.Filter));

        long size = 0;
        foreach (var c in Enum.GetValues<SSTableComponent>())
            if (requireToc || c != SSTableComponent.Toc) size += fs.GetLength(Path(c));

        ChecksummedBlockFile? data = null, index = null;
        try
        {
            data = OpenBlocked(fs, Path(SSTableComponent.Data), FileHeader.DataMagic);
            index = OpenBlocked(fs, Path(SSTableComponent.Index), FileHeader.IndexMagic);
            return new SSTableReader(fs, directory, generation, data, new PartitionIndexReader(index, summary), filter, statistics, size);
        }
        catch
        {
            data?.Dispose();
            index?.Dispose();
            throw;
        }
    }

    private static ChecksummedBlockFile OpenBlocked(IStorageFileSystem fs, string path, uint magic)
    {
        var file = fs.OpenRead(path);
        try { return ChecksummedBlockFile.Open(file, magic); }
        catch { file.Dispose(); throw; }
    }

    private static void ValidateToc(IStorageFileSystem fs, string tocPath, long generation)
    {
        if (!fs.Exists(tocPath)) throw new FileNotFoundException($"SSTable generation {generation} has no TOC.", tocPath);
        string text;
        using (var file = fs.OpenRead(tocPath))
        {
            var bytes = new byte[file.Length];
            file.ReadExactlyAt(0, bytes);
            text = Encoding.UTF8.GetString(bytes);
        }
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || lines[0] != SSTableWriter.TocHeader)
            throw new CorruptSSTableException(tocPath, 0, "unknown TOC header or format version");
        foreach (var c in SSTableFileNames.DataComponents)
            if (Array.IndexOf(lines, SSTableFileNames.FileName(generation, c)) < 0)
                throw new CorruptSSTableException(tocPath, 0, $"TOC does not list {c}");
    }

    /// <summary>False means the partition is certainly absent; true means it may be present.</summary>
    public bool MayContain(ReadOnlySpan<byte> partitionKey) => _filter.MayContain(partitionKey);

    /// <summary>
    /// The partition with its rows in <paramref name="slice"/> (read lazily, reversed on request),
    /// or null when this table has no such partition.
    /// </summary>
    public SSTablePartition? ReadPartition(byte[] partitionKey, ClusteringSlice slice, bool reversed = false, bool fillCache = true) =>
        ReadPartition(partitionKey, [slice], reversed, fillCache);

    /// <summary>
    /// The partition with its rows in any of <paramref name="slices"/> (sorted by start, disjoint), found once in the
    /// Index; each slice then seeks through the row index, rows in order across the slices (backwards when reversed).
    /// <paramref name="fillCache"/> (a point read or small slice): the first <see cref="ChunkCacheFill.BudgetBytes"/>
    /// of chunks the read has to read go into the chunk cache, the rest is read around it; false (a read that passes over the
    /// data once: a range page resuming inside a partition, repair) inserts nothing. Cached chunks are used either way.
    /// </summary>
    public SSTablePartition? ReadPartition(byte[] partitionKey, IReadOnlyList<ClusteringSlice> slices, bool reversed = false, bool fillCache = true)
    {
        ArgumentNullException.ThrowIfNull(slices);
        ArgumentNullException.ThrowIfNull(partitionKey);
        if (!_filter.MayContain(partitionKey)) return null;
        var token = Murmur3Partitioner.GetToken(partitionKey);
        if (Statistics.PartitionCount == 0 || token < Statistics.MinToken || token > Statistics.MaxToken) return null;
        ThrowIfCorrupt("a read of a partition it may hold");
        var entry = _index.Find(token, partitionKey);
        // Allocated only when a cache is in use: no cost for uncompressed tables.
        return entry is null ? null : ReadPartition(entry, slices, reversed, fillCache && _data.HasChunkCache ? new ChunkCacheFill() : null);
    }

    /// <summary>
    /// Partitions with token in (startExclusive, endInclusive], in (token, key) order, all rows forward. A scan reads
    /// around the chunk cache (uses chunks that are cached, inserts none): compaction, streaming, repair and range reads
    /// pass over the data once and would only push the working set out.
    /// </summary>
    public IEnumerable<SSTablePartition> Scan(Token startExclusive, Token endInclusive)
    {
        if (Statistics.PartitionCount > 0 && Statistics.MaxToken > startExclusive && Statistics.MinToken <= endInclusive)
            ThrowIfCorrupt("a scan of a token range it may hold");
        foreach (var entry in _index.Range(startExclusive, endInclusive))
            yield return ReadPartition(entry, [ClusteringSlice.All], reversed: false, fill: null);
    }

    /// <summary>Every partition in order (for compaction and streaming); reads around the chunk cache like <see cref="Scan"/>.</summary>
    public IEnumerable<SSTablePartition> ScanAll() => Scan(Token.Minimum, Token.Maximum);

    /// <summary>
    /// The token of every partition, in order, read from the Index alone (cleanup decides with it whether a table
    /// needs rewriting without reading its Data).
    /// </summary>
    public IEnumerable<Token> ScanTokens()
    {
        ThrowIfCorrupt("a token scan");
        return _index.Range(Token.Minimum, Token.Maximum).Select(e => e.Token);
    }

    /// <summary>
    /// Reads every block of Data and Index and checks its checksum (an imported table is verified once before it goes
    /// live). Throws <see cref="CorruptSSTableException"/> on the first bad block.
    /// </summary>
    public void VerifyChecksums()
    {
        foreach (var file in (ChecksummedBlockFile[])[_data, _index.File])
            for (long block = 0; block < file.BlockCount; block++)
                file.VerifyBlock(block);
    }

    /// <summary>
    /// Checks every component as it is on disk now: each block of Data and Index (a bad one marks the SSTable corrupt,
    /// as a read would), and Summary, Filter and Statistics read whole again and checked against their CRC (their
    /// in-memory copies were verified at open, so a bad file on disk is reported but does not stop reads; it would
    /// fail the next open). Returns every problem found (empty when all is well), at most one per Data/Index block.
    /// </summary>
    public IReadOnlyList<SSTableVerifyError> Verify()
    {
        var errors = new List<SSTableVerifyError>();
        foreach (var (component, file) in new[] { (SSTableComponent.Data, _data), (SSTableComponent.Index, _index.File) })
        {
            for (long block = 0; block < file.BlockCount; block++)
            {
                try
                {
                    file.VerifyBlock(block);
                }
                catch (CorruptSSTableException e)
                {
                    errors.Add(new SSTableVerifyError(file.Path, component, block, e.Message));
                }
            }
        }
        foreach (var (component, magic) in new[]
                 {
                     (SSTableComponent.Summary, FileHeader.SummaryMagic), (SSTableComponent.Filter, FileHeader.FilterMagic),
                     (SSTableComponent.Statistics, FileHeader.StatisticsMagic),
                 })
        {
            string path = SSTableFileNames.PathOf(Directory, Generation, component);
            try
            {
                WholeFileCodec.Read(_fs, path, magic, out _);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(new SSTableVerifyError(path, component, null, e.Message));
            }
        }
        return errors;
    }

    private SSTablePartition ReadPartition(IndexEntry entry, IReadOnlyList<ClusteringSlice> slices, bool reversed, ChunkCacheFill? fill)
    {
        long firstRow;
        BlockCursor.Block headerBlock;
        (byte[] Key, DeletionTime Deletion, RangeTombstone[] RangeTombstones) header;
        using (var cursor = new BlockCursor(_data, entry.DataPosition, fill))
        {
            byte[] scratch = new byte[256];
            header = PartitionRowReader.ReadHeader(cursor, ref scratch);
            firstRow = cursor.Position;
            headerBlock = cursor.DetachCurrent();
            if (!header.Key.AsSpan().SequenceEqual(entry.Key))
                throw cursor.Corrupt(entry.DataPosition, "partition key in Data does not match the Index");
        }
        var rows = slices.Count == 1
            ? PartitionRowReader.Rows(_data, entry, firstRow, slices[0], reversed, headerBlock, fill)
            : ConcatSlices(entry, firstRow, slices, reversed, headerBlock, fill);
        return new SSTablePartition(entry.Key, entry.Token, header.Deletion, header.RangeTombstones, rows);
    }

    private IEnumerable<Row> ConcatSlices(IndexEntry entry, long firstRow, IReadOnlyList<ClusteringSlice> slices, bool reversed,
        BlockCursor.Block headerBlock, ChunkCacheFill? fill)
    {
        if (!reversed)
        {
            foreach (var row in PartitionRowReader.ForwardSlices(_data, entry, firstRow, slices, headerBlock, fill)) yield return row;
            yield break;
        }
        for (int i = 0; i < slices.Count; i++)
            foreach (var row in PartitionRowReader.Rows(_data, entry, firstRow, slices[reversed ? slices.Count - 1 - i : i], reversed, headerBlock, fill))
                yield return row;
    }

    /// <summary>Takes a reference; false once the reader has been fully released (pick a newer snapshot).</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            int current = Volatile.Read(ref _references);
            if (current <= 0) return false;
            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current) return true;
        }
    }

    public void Release()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left < 0) throw new InvalidOperationException($"SSTable {Generation} released more often than acquired.");
        if (left == 0) CloseAndMaybeDelete();
    }

    /// <summary>
    /// The table was replaced (e.g. compacted away): delete its files once nobody reads it, then call
    /// <paramref name="onDeleted"/> (a compaction's transaction log waits for that).
    /// </summary>
    public void MarkObsolete(Action? onDeleted = null)
    {
        _onDeleted = onDeleted;
        _obsolete = true;
        // Already closed: nobody will release again, so delete now.
        if (Volatile.Read(ref _references) == 0) DeleteFiles();
    }

    /// <summary>Gives back the opener's reference (once; later calls do nothing).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _ownerReleased, 1) == 0) Release();
    }

    private void CloseAndMaybeDelete()
    {
        _data.Dispose();
        _index.File.Dispose();
        if (_obsolete) DeleteFiles();
    }

    private int _deleted;
    private Action? _onDeleted;

    private void DeleteFiles()
    {
        if (Interlocked.Exchange(ref _deleted, 1) != 0) return;
        // TOC first, so a crash midway leaves a TOC-less generation that cleanup finishes off.
        _fs.Delete(SSTableFileNames.PathOf(Directory, Generation, SSTableComponent.Toc));
        foreach (var c in SSTableFileNames.DataComponents)
            _fs.Delete(SSTableFileNames.PathOf(Directory, Generation, c));
        _onDeleted?.Invoke();
    }
}

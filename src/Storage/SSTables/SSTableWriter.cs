using System.Text;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Serialization;
using RingStore.Storage.IO;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Writes one SSTable generation. Partitions arrive in (token, key) order and rows in clustering
/// order; rows are streamed straight into Data blocks, so memory stays at a block plus one row
/// plus the row index of the current partition, whatever the partition's size.
/// Every component is written under a ".tmp" name and fsynced; <see cref="Finish"/> renames them,
/// writes the TOC last and fsyncs the directory, so a crash at any point leaves either a complete
/// SSTable or files that <see cref="SSTableDirectory"/> removes at the next open.
/// Not thread-safe: one writer, one thread.
/// </summary>
public sealed class SSTableWriter : IDisposable
{
    internal const string TocHeader = "RingStore SSTable TOC v1";

    private readonly IStorageFileSystem _fs;
    private readonly string _directory;
    private readonly SSTableWriterOptions _options;
    private readonly ChecksummedBlockWriter _data;
    private readonly ChecksummedBlockWriter _index;
    private readonly StatisticsCollector _stats = new();
    private readonly BinaryWriterBuffer _record = new(1024);
    private readonly BinaryWriterBuffer _lengthPrefix = new(16);
    private readonly List<RowIndexEntry> _rowIndex = [];
    private readonly List<byte[]> _summaryKeys = [];
    private readonly List<long> _summaryTokens = [];
    private readonly List<long> _summaryPositions = [];
    private readonly BloomFilter? _presizedFilter;
    private readonly List<(ulong, ulong)>? _keyHashes;
    private byte[]? _lastKey;
    private Token _lastToken;
    private long _partitionCount;
    private bool _failed, _finished, _disposed;

    private SSTableWriter(IStorageFileSystem fs, string directory, long generation, SSTableWriterOptions options,
        ChecksummedBlockWriter data, ChecksummedBlockWriter index)
    {
        _fs = fs;
        _directory = directory;
        Generation = generation;
        _options = options;
        _data = data;
        _index = index;
        if (options.ExpectedPartitions > 0) _presizedFilter = BloomFilter.Create(options.ExpectedPartitions, options.BloomFilterFpChance);
        else _keyHashes = [];
    }

    public long Generation { get; }

    /// <summary>Payload bytes written to Data so far (for flush/compaction progress).</summary>
    public long DataBytesWritten => _data.Position;

    public static SSTableWriter Create(IStorageFileSystem fs, string directory, long generation, SSTableWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fs);
        ArgumentOutOfRangeException.ThrowIfNegative(generation);
        options ??= SSTableWriterOptions.Default;
        options.Validate();
        fs.CreateDirectory(directory);
        // Overwriting a live generation would corrupt a table readers may have open.
        if (fs.Exists(SSTableFileNames.PathOf(directory, generation, SSTableComponent.Toc)))
            throw new IOException($"SSTable generation {generation} already exists in {directory}.");
        ChecksummedBlockWriter? data = null;
        try
        {
            data = new ChecksummedBlockWriter(fs.CreateForWrite(SSTableFileNames.TempPathOf(directory, generation, SSTableComponent.Data)),
                FileHeader.DataMagic, options.DataBlockSizeBytes, options.TrickleSyncBytes, codec: ChunkCodec.ForWriting(options.Compression));
            var index = new ChecksummedBlockWriter(fs.CreateForWrite(SSTableFileNames.TempPathOf(directory, generation, SSTableComponent.Index)),
                FileHeader.IndexMagic, options.BlockSizeBytes, options.TrickleSyncBytes, options.IndexFormatVersion);
            return new SSTableWriter(fs, directory, generation, options, data, index);
        }
        catch
        {
            // The first failure is the one to report; closing and deleting must still happen whatever they throw.
            var cleanup = new CleanupErrors();
            cleanup.Dispose(data);
            DeleteAll(fs, directory, generation, ref cleanup);
            throw;
        }
    }

    /// <summary>
    /// Appends one partition. <paramref name="rows"/> is enumerated once, lazily, and must be in
    /// strictly increasing clustering order. A partition may have no rows (only deletions).
    /// </summary>
    public void AppendPartition(byte[] partitionKey, DeletionTime partitionDeletion,
        IReadOnlyList<RangeTombstone> rangeTombstones, IEnumerable<Row> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        AppendPartition(partitionKey, partitionDeletion, rangeTombstones, partitionStart => WriteRows(partitionStart, rows));
    }

    /// <summary>
    /// Appends one partition whose rows are already encoded as <see cref="DataSerializer.WriteRow"/> writes them
    /// (a memtable flush): their bytes are copied as they are, only their metadata is read for the statistics.
    /// Same order rules as <see cref="AppendPartition(byte[], DeletionTime, IReadOnlyList{RangeTombstone}, IEnumerable{Row})"/>;
    /// the file is byte for byte what the decoded rows would give.
    /// </summary>
    public void AppendEncodedPartition(byte[] partitionKey, DeletionTime partitionDeletion,
        IReadOnlyList<RangeTombstone> rangeTombstones, IReadOnlyList<ReadOnlyMemory<byte>> encodedRows)
    {
        ArgumentNullException.ThrowIfNull(encodedRows);
        AppendPartition(partitionKey, partitionDeletion, rangeTombstones, partitionStart => WriteEncodedRows(partitionStart, encodedRows));
    }

    private void AppendPartition(byte[] partitionKey, DeletionTime partitionDeletion,
        IReadOnlyList<RangeTombstone> rangeTombstones, Action<long> writeRows)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rangeTombstones);
        EnsureWritable();
        if (partitionKey.Length == 0) throw new ArgumentException("Partition key must not be empty.", nameof(partitionKey));
        var token = Murmur3Partitioner.GetToken(partitionKey);
        if (_lastKey is not null && IndexEntry.Compare(_lastToken, _lastKey, token, partitionKey) >= 0)
            throw new ArgumentException(
                $"Partitions must arrive in strictly increasing (token, key) order: {token} after {_lastToken}.", nameof(partitionKey));

        // From here on a failure leaves a half-written partition: the writer refuses further use.
        _failed = true;
        long partitionStart = _data.Position;
        _record.Clear();
        _record.WriteBlob(partitionKey);
        DataSerializer.WriteDeletion(_record, partitionDeletion);
        _record.WriteVarUInt((ulong)rangeTombstones.Count);
        foreach (var rt in rangeTombstones) DataSerializer.WriteRangeTombstone(_record, rt);
        WriteLengthPrefixed(_record.WrittenSpan, 0);
        _stats.OnPartition(partitionKey, token, partitionDeletion, rangeTombstones);

        writeRows(partitionStart);
        WriteVarUInt(_data, 0); // end of partition
        long partitionLength = _data.Position - partitionStart;
        _stats.OnPartitionEnd(partitionLength);

        // One stretch covers the whole partition: reading it whole is what the index would do anyway.
        IReadOnlyList<RowIndexEntry> rowIndex = _rowIndex.Count > 1 ? _rowIndex : [];
        if (_partitionCount % _options.IndexSummaryInterval == 0)
        {
            _summaryKeys.Add(partitionKey);
            _summaryTokens.Add(token.Value);
            _summaryPositions.Add(_index.Position);
        }
        _record.Clear();
        IndexEntry.Serialize(_record, partitionKey, token, partitionStart, partitionLength, rowIndex, _options.IndexFormatVersion);
        WriteVarUInt(_index, (ulong)_record.Length);
        _index.Write(_record.WrittenSpan);

        var hash = BloomFilter.Hash(partitionKey);
        if (_presizedFilter is not null) _presizedFilter.Add(hash);
        else _keyHashes!.Add(hash);

        _lastKey = partitionKey;
        _lastToken = token;
        _partitionCount++;
        _failed = false;
    }

    private void WriteRows(long partitionStart, IEnumerable<Row> rows)
    {
        _rowIndex.Clear();
        var stretch = new RowStretch(partitionStart);
        foreach (var row in rows)
        {
            _record.Clear();
            DataSerializer.WriteRow(_record, row);
            _stats.OnRow(row);
            AppendRow(ref stretch, _record.WrittenSpan, row.Clustering);
        }
        stretch.Close(this);
    }

    private void WriteEncodedRows(long partitionStart, IReadOnlyList<ReadOnlyMemory<byte>> rows)
    {
        _rowIndex.Clear();
        var stretch = new RowStretch(partitionStart);
        foreach (var row in rows)
        {
            _stats.OnRow(row.Span);
            AppendRow(ref stretch, row.Span, row[DataSerializer.RowClusteringRange(row.Span)]);
        }
        stretch.Close(this);
    }

    /// <summary>Writes one encoded row and maintains the partition's row index (one entry per stretch of rows).</summary>
    private void AppendRow(ref RowStretch stretch, ReadOnlySpan<byte> encodedRow, ReadOnlyMemory<byte> clustering)
    {
        if (stretch.HasPrevious && clustering.Span.SequenceCompareTo(stretch.Previous.Span) <= 0)
            throw new ArgumentException("Rows must arrive in strictly increasing clustering order.", "rows");
        if (!stretch.Open)
        {
            stretch.First = clustering;
            stretch.Start = _data.Position;
            stretch.Open = true;
        }
        // Length + 1 so that 0 can mark the end of the partition.
        WriteLengthPrefixed(encodedRow, 1);
        stretch.Previous = clustering;
        stretch.HasPrevious = true;
        if (_data.Position - stretch.Start >= _options.RowIndexIntervalBytes)
        {
            _rowIndex.Add(new RowIndexEntry(stretch.First.ToArray(), clustering.ToArray(), stretch.Start - stretch.PartitionStart, _data.Position - stretch.Start));
            stretch.Open = false;
        }
    }

    /// <summary>The row-index stretch being written and the last row's clustering (for the order check).</summary>
    private struct RowStretch(long partitionStart)
    {
        public readonly long PartitionStart = partitionStart;
        public ReadOnlyMemory<byte> First, Previous;
        public long Start;
        public bool Open, HasPrevious;

        public void Close(SSTableWriter writer)
        {
            if (Open)
                writer._rowIndex.Add(new RowIndexEntry(First.ToArray(), Previous.ToArray(), Start - PartitionStart, writer._data.Position - Start));
        }
    }

    /// <summary>
    /// Completes the SSTable (index, summary, filter, statistics, then the TOC), makes it durable and
    /// returns an open reader. On failure the files are removed by <see cref="Dispose"/>.
    /// </summary>
    public SSTableReader Finish()
    {
        EnsureWritable();
        _failed = true;
        _data.Complete();
        _index.Complete();
        var close = new CleanupErrors();
        close.Dispose(_data);
        close.Dispose(_index);
        close.ThrowIfAny();

        var summary = new IndexSummary(_options.IndexSummaryInterval, [.. _summaryKeys], [.. _summaryTokens], [.. _summaryPositions]);
        WriteWhole(SSTableComponent.Summary, FileHeader.SummaryMagic, (uint)summary.Interval, summary.Serialize());

        var filter = _presizedFilter ?? BuildFilter();
        WriteWhole(SSTableComponent.Filter, FileHeader.FilterMagic, (uint)filter.HashCount, filter.Serialize());

        var stats = _stats.Build(_data.Position);
        WriteWhole(SSTableComponent.Statistics, FileHeader.StatisticsMagic, 0, stats.Serialize());

        foreach (var c in SSTableFileNames.DataComponents)
            _fs.Rename(SSTableFileNames.TempPathOf(_directory, Generation, c), SSTableFileNames.PathOf(_directory, Generation, c));

        // The TOC is the commit point: it only exists once every component it names is complete.
        var toc = new StringBuilder().Append(TocHeader).Append('\n');
        foreach (var c in SSTableFileNames.DataComponents) toc.Append(SSTableFileNames.FileName(Generation, c)).Append('\n');
        string tocTemp = SSTableFileNames.TempPathOf(_directory, Generation, SSTableComponent.Toc);
        AtomicFile.WriteAndSync(_fs, tocTemp, Encoding.UTF8.GetBytes(toc.ToString()));
        _fs.Rename(tocTemp, SSTableFileNames.PathOf(_directory, Generation, SSTableComponent.Toc));
        _fs.SyncDirectory(_directory);
        _finished = true;
        _failed = false;
        return SSTableReader.Open(_fs, _directory, Generation);
    }

    private BloomFilter BuildFilter()
    {
        var filter = BloomFilter.Create(_keyHashes!.Count, _options.BloomFilterFpChance);
        foreach (var h in _keyHashes) filter.Add(h);
        return filter;
    }

    private void WriteWhole(SSTableComponent component, uint magic, uint parameter, byte[] body) =>
        WholeFileCodec.Write(_fs, SSTableFileNames.TempPathOf(_directory, Generation, component), magic, parameter, body);

    private void WriteLengthPrefixed(ReadOnlySpan<byte> record, ulong bias)
    {
        WriteVarUInt(_data, (ulong)record.Length + bias);
        _data.Write(record);
    }

    private void WriteVarUInt(ChecksummedBlockWriter target, ulong value)
    {
        _lengthPrefix.Clear();
        _lengthPrefix.WriteVarUInt(value);
        target.Write(_lengthPrefix.WrittenSpan);
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished) throw new InvalidOperationException("The SSTable is already finished.");
        if (_failed) throw new InvalidOperationException("An earlier write failed; dispose this writer to remove its files.");
    }

    /// <summary>
    /// Closes the writer; if <see cref="Finish"/> did not complete, deletes every file of this generation it made.
    /// Every file is closed and every temp file deleted even when a step throws (a full disk makes the data file's
    /// final flush throw in its close); then the first failure is rethrown (an AggregateException when several failed).
    /// On a path that is already failing, call <see cref="Abort"/> instead so the original exception is the one that propagates.
    /// </summary>
    public void Dispose() => Close().ThrowIfAny();

    /// <summary>
    /// Disposes the writer after a failure without throwing: every handle is closed and, unless <see cref="Finish"/>
    /// completed, every file of this generation is deleted. Returns what went wrong doing so (for the log), or null.
    /// </summary>
    public Exception? Abort() => Close().ToException();

    private CleanupErrors Close()
    {
        var cleanup = new CleanupErrors();
        if (_disposed) return cleanup;
        _disposed = true;
        cleanup.Dispose(_data);
        cleanup.Dispose(_index);
        if (!_finished) DeleteAll(_fs, _directory, Generation, ref cleanup);
        return cleanup;
    }

    /// <summary>TOC first: once it is gone, a crash halfway through leaves only TOC-less leftovers that cleanup removes.</summary>
    private static void DeleteAll(IStorageFileSystem fs, string directory, long generation, ref CleanupErrors cleanup)
    {
        cleanup.Run(() => fs.Delete(SSTableFileNames.PathOf(directory, generation, SSTableComponent.Toc)));
        cleanup.Run(() => fs.Delete(SSTableFileNames.TempPathOf(directory, generation, SSTableComponent.Toc)));
        foreach (var c in SSTableFileNames.DataComponents)
        {
            cleanup.Run(() => fs.Delete(SSTableFileNames.TempPathOf(directory, generation, c)));
            cleanup.Run(() => fs.Delete(SSTableFileNames.PathOf(directory, generation, c)));
        }
    }
}

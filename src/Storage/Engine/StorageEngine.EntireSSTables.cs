using Microsoft.Extensions.Logging;
using RingStore.Core.Partitioning;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Engine;

/// <summary>Entire-SSTable streaming: the source's selection and file reads, the receiver's verified install.</summary>
public sealed partial class StorageEngine
{
    /// <summary>
    /// The start of a stream of <paramref name="table"/> on the source: flushes its memtables (so what the stream
    /// reads is in SSTables, and as much as possible of it can go as whole files), then lists the live SSTables
    /// lying entirely inside one of the non-wrapping <paramref name="ranges"/> (StartExclusive &lt; min token and
    /// max token &lt;= EndInclusive, from each SSTable's statistics). Corrupt and empty SSTables are never offered.
    /// </summary>
    public async Task<IReadOnlyList<EntireSSTableCandidate>> PrepareEntireSSTableStreamAsync(
        string table, IReadOnlyList<(Token StartExclusive, Token EndInclusive)> ranges, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var store = GetTable(table);
        store.SwitchMemtable(force: true);
        await store.FlushSealedAsync(ct).ConfigureAwait(false);
        ReleaseCommitLog();
        var result = new List<EntireSSTableCandidate>();
        foreach (var sst in store.View.SSTables)
        {
            var stats = sst.Statistics;
            if (sst.IsCorrupt || stats.PartitionCount == 0) continue;
            int range = EntireSSTableSelection.RangeHolding(stats.MinToken, stats.MaxToken, ranges);
            if (range < 0 || !sst.TryAcquire()) continue;
            try
            {
                var files = SSTableFileNames.DataComponents
                    .Select(c => new EntireSSTableFile(c, _fs.GetLength(SSTableFileNames.PathOf(sst.Directory, sst.Generation, c))))
                    .ToArray();
                result.Add(new EntireSSTableCandidate(sst.Generation, range, stats.PartitionCount, stats.MinToken, stats.MaxToken, files));
            }
            finally
            {
                sst.Release();
            }
        }
        return result;
    }

    /// <summary>
    /// Up to <paramref name="maxBytes"/> bytes of one component of live SSTable <paramref name="generation"/> from
    /// <paramref name="offset"/> (fewer at the end of the file), or null when that SSTable is no longer live
    /// (compacted away since it was offered: the receiver then takes its data as rows). The SSTable is referenced
    /// while it is read, so its files cannot be deleted under the read.
    /// </summary>
    public byte[]? ReadEntireSSTableChunk(string table, long generation, SSTableComponent component, long offset, int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        if (component == SSTableComponent.Toc) throw new ArgumentException("the TOC is not streamed", nameof(component));
        var store = GetTable(table);
        var sst = store.View.SSTables.FirstOrDefault(s => s.Generation == generation);
        if (sst is null || !sst.TryAcquire()) return null;
        try
        {
            using var file = _fs.OpenRead(SSTableFileNames.PathOf(sst.Directory, generation, component));
            long available = Math.Max(0, file.Length - offset);
            var buffer = new byte[(int)Math.Min(maxBytes, available)];
            if (buffer.Length > 0) IO.ReadableFileExtensions.ReadExactlyAt(file, offset, buffer);
            return buffer;
        }
        finally
        {
            sst.Release();
        }
    }

    /// <summary>
    /// Starts receiving <paramref name="offered"/> (an SSTable of another node lying inside (start, end]) as a new
    /// SSTable of <paramref name="table"/> under a new generation. Dispose the receiver in every outcome: unless
    /// <see cref="CompleteEntireSSTableAsync"/> installed it, that deletes every file it wrote.
    /// </summary>
    public EntireSSTableReceiver BeginEntireSSTable(string table, EntireSSTableCandidate offered, Token startExclusive, Token endInclusive)
    {
        ArgumentNullException.ThrowIfNull(offered);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var store = GetTable(table);
        return new EntireSSTableReceiver(_fs, store.Directory, store.AllocateGeneration(), offered, startExclusive, endInclusive);
    }

    /// <summary>
    /// Verifies a fully received SSTable (lengths, every Data and Index block's checksum, Summary/Filter/Statistics
    /// checksums, every partition token inside the range, the partition count offered) before its TOC is written,
    /// then commits and installs it as <see cref="ImportAsync"/> installs an import (atomic view swap, import epoch
    /// moved so a purging compaction that started before is discarded, a TRUNCATE since the generation was allocated
    /// wins). Throws <see cref="CorruptSSTableException"/> or <see cref="InvalidDataException"/> when verification
    /// fails; the caller's Dispose of the receiver then deletes the files.
    /// </summary>
    public async Task<StreamImportResult> CompleteEntireSSTableAsync(string table, EntireSSTableReceiver receiver, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        var store = GetTable(table);
        var reader = await DedicatedThread.Run(() => receiver.Commit(ct), ct).ConfigureAwait(false);
        if (!await InstallOrDiscardAsync(store, reader, ct).ConfigureAwait(false))
        {
            _logger.LogWarning("Dropped streamed SSTable generation {Generation} of {Table}: the table was truncated while it was received",
                receiver.Generation, table);
            return new StreamImportResult(0, 0, 0);
        }
        _logger.LogInformation("Received entire SSTable generation {Generation} of {Table} ({Partitions} partitions, {Bytes} bytes)",
            receiver.Generation, table, reader.Statistics.PartitionCount, reader.SizeOnDiskBytes);
        _compactionWake.Release();
        await IndexRangeAsync(table, receiver.Range.StartExclusive, receiver.Range.EndInclusive, ct).ConfigureAwait(false);
        return new StreamImportResult(reader.SizeOnDiskBytes, checked((int)reader.Statistics.PartitionCount), checked((int)receiver.Generation));
    }
}

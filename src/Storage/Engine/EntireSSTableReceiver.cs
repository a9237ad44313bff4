using System.Text;
using RingStore.Core.Partitioning;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Engine;

/// <summary>
/// Receives the component files of one SSTable streamed whole, under a new generation of this node's table
/// directory. Each component is written sequentially under its <c>.tmp</c> name and fsynced when complete; at
/// <see cref="Commit"/> the components are renamed, opened without a TOC and verified (exact lengths, every block
/// checksum, the small components' checksums, every partition token inside the range, the partition count
/// offered), and only then is the TOC written — the commit point, as for any SSTable the engine writes. A crash
/// before it leaves <c>.tmp</c> files or a TOC-less generation, which the table's open deletes; a failure or an
/// abandoned transfer is cleaned up by <see cref="Dispose"/>. Not thread-safe: one transfer drives it.
/// </summary>
public sealed class EntireSSTableReceiver : IDisposable
{
    private readonly IStorageFileSystem _fs;
    private readonly string _directory;
    private readonly EntireSSTableCandidate _offered;
    private readonly Token _start, _end;
    private readonly HashSet<SSTableComponent> _complete = [];
    private IWritableFile? _current;
    private SSTableComponent _currentComponent;
    private bool _committed, _disposed;

    internal EntireSSTableReceiver(IStorageFileSystem fs, string directory, long generation, EntireSSTableCandidate offered,
        Token startExclusive, Token endInclusive)
    {
        _fs = fs;
        _directory = directory;
        Generation = generation;
        _offered = offered;
        _start = startExclusive;
        _end = endInclusive;
        var components = offered.Files.Select(f => f.Component).Order().ToArray();
        if (!components.SequenceEqual(SSTableFileNames.DataComponents.Order()))
            throw new InvalidDataException($"an entire SSTable must offer exactly the components {string.Join(", ", SSTableFileNames.DataComponents)}");
        if (offered.Files.Any(f => f.Length < 0)) throw new InvalidDataException("an offered component has a negative length");
    }

    /// <summary>This node's generation for the received SSTable.</summary>
    public long Generation { get; }

    /// <summary>The token range the SSTable lies in, (start, end] (index maintenance re-reads it once installed).</summary>
    public (Token StartExclusive, Token EndInclusive) Range => (_start, _end);

    public long BytesWritten { get; private set; }

    /// <summary>
    /// Appends a chunk of <paramref name="component"/> at <paramref name="offset"/>: components one after another,
    /// each from offset 0 without gaps and never past its offered length (else <see cref="InvalidDataException"/>).
    /// </summary>
    public void Append(SSTableComponent component, long offset, ReadOnlySpan<byte> chunk)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed) throw new InvalidOperationException("already committed");
        long length = LengthOf(component);
        if (_current is null || _currentComponent != component)
        {
            CloseCurrent();
            if (_complete.Contains(component)) throw new InvalidDataException($"{component} was already received");
            if (offset != 0) throw new InvalidDataException($"{component} must start at offset 0, not {offset}");
            _current = _fs.CreateForWrite(SSTableFileNames.TempPathOf(_directory, Generation, component));
            _currentComponent = component;
        }
        if (offset != _current.Position) throw new InvalidDataException($"{component}: chunk at offset {offset}, expected {_current.Position}");
        if (offset + chunk.Length > length) throw new InvalidDataException($"{component}: chunk ends at {offset + chunk.Length}, past the offered length {length}");
        _current.Write(chunk);
        BytesWritten += chunk.Length;
        if (_current.Position == length) CloseCurrent();
    }

    /// <summary>How many bytes of <paramref name="component"/> were offered.</summary>
    public long LengthOf(SSTableComponent component) =>
        _offered.Files.FirstOrDefault(f => f.Component == component)?.Length
        ?? throw new InvalidDataException($"component {component} was not offered");

    private void CloseCurrent()
    {
        if (_current is null) return;
        var file = _current;
        _current = null;
        try
        {
            if (file.Position != LengthOf(_currentComponent))
                throw new InvalidDataException($"{_currentComponent} ended after {file.Position} of {LengthOf(_currentComponent)} bytes");
            file.Sync();
        }
        finally
        {
            file.Dispose();
        }
        _complete.Add(_currentComponent);
    }

    /// <summary>
    /// Verifies the received files and commits them (see the class summary); returns the open reader, not yet in
    /// any view. Blocking: run on a dedicated thread.
    /// </summary>
    internal SSTableReader Commit(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CloseCurrent();
        // Zero-length components are never offered by a writer, but must not slip through as "never appended".
        foreach (var f in _offered.Files)
            if (!_complete.Contains(f.Component)) throw new InvalidDataException($"{f.Component} was not received completely");
        foreach (var c in SSTableFileNames.DataComponents)
            _fs.Rename(SSTableFileNames.TempPathOf(_directory, Generation, c), SSTableFileNames.PathOf(_directory, Generation, c));
        _fs.SyncDirectory(_directory);
        ct.ThrowIfCancellationRequested();
        using (var unverified = SSTableReader.OpenWithoutToc(_fs, _directory, Generation))
            VerifyContent(unverified, ct);

        var toc = new StringBuilder().Append(SSTableWriter.TocHeader).Append('\n');
        foreach (var c in SSTableFileNames.DataComponents) toc.Append(SSTableFileNames.FileName(Generation, c)).Append('\n');
        string tocTemp = SSTableFileNames.TempPathOf(_directory, Generation, SSTableComponent.Toc);
        AtomicFile.WriteAndSync(_fs, tocTemp, Encoding.UTF8.GetBytes(toc.ToString()));
        _fs.Rename(tocTemp, SSTableFileNames.PathOf(_directory, Generation, SSTableComponent.Toc));
        _fs.SyncDirectory(_directory);
        var reader = SSTableReader.Open(_fs, _directory, Generation);
        _committed = true;
        return reader;
    }

    private void VerifyContent(SSTableReader reader, CancellationToken ct)
    {
        reader.VerifyChecksums();
        var stats = reader.Statistics;
        if (stats.PartitionCount != _offered.PartitionCount)
            throw new InvalidDataException($"received SSTable holds {stats.PartitionCount} partitions, {_offered.PartitionCount} were offered");
        if (!(stats.MinToken > _start && stats.MaxToken <= _end))
            throw new InvalidDataException($"received SSTable spans tokens [{stats.MinToken}, {stats.MaxToken}], outside ({_start}, {_end}]");
        // The statistics are the sender's claim; the Index is what reads use. Every token must lie in the range.
        long count = 0;
        Token? previous = null;
        foreach (var token in reader.ScanTokens())
        {
            if ((++count & 4095) == 0) ct.ThrowIfCancellationRequested();
            if (token <= _start || token > _end || (previous is { } p && token < p))
                throw new InvalidDataException($"received SSTable's Index holds token {token} out of order or outside ({_start}, {_end}]");
            previous = token;
        }
        if (count != stats.PartitionCount)
            throw new InvalidDataException($"received SSTable's Index lists {count} partitions, its statistics {stats.PartitionCount}");
    }

    /// <summary>Closes any open file and, unless committed, deletes every file of the generation (TOC first).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        var cleanup = new CleanupErrors();
        cleanup.Dispose(_current);
        _current = null;
        if (_committed) return;
        cleanup.Run(() => _fs.Delete(SSTableFileNames.PathOf(_directory, Generation, SSTableComponent.Toc)));
        cleanup.Run(() => _fs.Delete(SSTableFileNames.TempPathOf(_directory, Generation, SSTableComponent.Toc)));
        foreach (var c in SSTableFileNames.DataComponents)
        {
            cleanup.Run(() => _fs.Delete(SSTableFileNames.TempPathOf(_directory, Generation, c)));
            cleanup.Run(() => _fs.Delete(SSTableFileNames.PathOf(_directory, Generation, c)));
        }
        // Cleanup failures (a dying disk) are not rethrown over the transfer's own failure; open removes leftovers.
    }
}

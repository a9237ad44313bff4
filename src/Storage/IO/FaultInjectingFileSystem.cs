namespace RingStore.Storage.IO;

/// <summary>
/// A decorator that makes a healthy file system misbehave on purpose, for tests (the idea of FASTER's
/// SimulatedFlakyDevice): writes fail like a full disk after a byte budget (optionally tearing the
/// failing write), fsyncs, renames and reads fail on demand, and chosen bytes flip when read back.
/// Settings can change while files are open; they apply to the next call. Thread-safe.
/// </summary>
public sealed class FaultInjectingFileSystem : IStorageFileSystem
{
    private readonly IStorageFileSystem _inner;
    private readonly Lock _gate = new();
    private readonly List<(string Path, long Offset)> _flips = [];
    private readonly Dictionary<FaultInjectingWritableFile, string> _openWritable = [];
    private long _bytesWritten;

    public FaultInjectingFileSystem(IStorageFileSystem inner) => _inner = inner;

    /// <summary>
    /// Total bytes (across all files) that writes may still store before they fail with an
    /// IOException like ENOSPC. Null: no limit.
    /// </summary>
    public long? FailWritesAfterBytes { get; set; }

    /// <summary>
    /// When a write crosses <see cref="FailWritesAfterBytes"/>: true stores the part that fits before
    /// throwing (a torn write, as a crash mid-write leaves); false stores nothing of that call.
    /// </summary>
    public bool TearFailingWrite { get; set; } = true;

    /// <summary>
    /// Models a buffered stream on a full disk (what FileStream does): a write over the budget is accepted and kept
    /// in memory, and the ENOSPC surfaces at the next <see cref="IWritableFile.Sync"/> or at
    /// <see cref="IDisposable.Dispose"/>, which closes the file and then throws, as a FileStream whose final flush fails.
    /// </summary>
    public bool DeferWriteFailureToFlush { get; set; }

    public bool FailSync { get; set; }

    public bool FailRename { get; set; }

    /// <summary>
    /// A lying disk (a volatile write cache that acknowledges fsync): fsyncs of files, and of directories, whose path this
    /// accepts report success without making anything durable, so a crash of the file system below loses what they
    /// "synced". Null: every fsync is real.
    /// </summary>
    public Func<string, bool>? IgnoreSyncOf { get; set; }

    /// <summary>Reads of files whose path this accepts fail with an IOException like EIO (a failing disk sector). Null: none.</summary>
    public Func<string, bool>? FailReadsOf { get; set; }

    /// <summary>Throws the injected read error if <see cref="FailReadsOf"/> picks <paramref name="path"/>.</summary>
    internal void CheckRead(string path)
    {
        if (FailReadsOf is { } fails && fails(path)) throw new IOException($"Injected fault: read of {path} failed (EIO: input/output error).");
    }

    /// <summary>Bytes actually passed to the inner file system by writes.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Every later read of <paramref name="path"/> covering <paramref name="fileOffset"/> sees that byte inverted.</summary>
    public void FlipByteOnRead(string path, long fileOffset)
    {
        lock (_gate) _flips.Add((Path.GetFullPath(path), fileOffset));
    }

    public void ClearFaults()
    {
        lock (_gate) _flips.Clear();
        FailWritesAfterBytes = null;
        FailSync = false;
        FailRename = false;
        FailReadsOf = null;
        IgnoreSyncOf = null;
        DeferWriteFailureToFlush = false;
    }

    /// <summary>Paths of the files created through this file system that are not disposed yet (leak checks in tests).</summary>
    public IReadOnlyList<string> OpenWritableFiles
    {
        get { lock (_gate) return [.. _openWritable.Values]; }
    }

    public IWritableFile CreateForWrite(string path)
    {
        var file = new FaultInjectingWritableFile(this, _inner.CreateForWrite(path));
        lock (_gate) _openWritable[file] = file.Path;
        return file;
    }

    internal void OnClosed(FaultInjectingWritableFile file)
    {
        lock (_gate) _openWritable.Remove(file);
    }

    public IReadableFile OpenRead(string path) => new FaultInjectingReadableFile(this, _inner.OpenRead(path));

    public void Rename(string from, string to)
    {
        if (FailRename) throw new IOException($"Injected fault: rename {from} -> {to} failed.");
        _inner.Rename(from, to);
    }

    public void Delete(string path) => _inner.Delete(path);

    public bool Exists(string path) => _inner.Exists(path);

    public long GetLength(string path) => _inner.GetLength(path);

    public void CreateDirectory(string directory) => _inner.CreateDirectory(directory);

    public IReadOnlyList<string> ListFiles(string directory) => _inner.ListFiles(directory);

    public void CreateHardLink(string existingPath, string linkPath) => _inner.CreateHardLink(existingPath, linkPath);

    public IRandomAccessFile OpenForUpdate(string path) => new FaultInjectingRandomAccessFile(this, _inner.OpenForUpdate(path));

    public IReadOnlyList<string> ListDirectories(string directory) => _inner.ListDirectories(directory);

    public void DeleteDirectory(string directory) => _inner.DeleteDirectory(directory);

    public void SyncDirectory(string directory)
    {
        if (FailSync) throw new IOException($"Injected fault: fsync of directory {directory} failed.");
        if (IgnoreSyncOf is { } ignores && ignores(directory)) return;
        _inner.SyncDirectory(directory);
    }

    /// <summary>How many of <paramref name="requested"/> bytes may be written now; reserves them.</summary>
    internal int ReserveWrite(int requested)
    {
        lock (_gate)
        {
            long allowed = requested;
            if (FailWritesAfterBytes is long budget)
            {
                long left = Math.Max(0, budget - _bytesWritten);
                allowed = Math.Min(left, requested);
            }
            _bytesWritten += allowed;
            return (int)allowed;
        }
    }

    internal void ReturnReservation(int bytes)
    {
        lock (_gate) _bytesWritten -= bytes;
    }

    /// <summary>Throws the injected fsync error; false when the fsync is to be skipped (a lying disk), true to perform it.</summary>
    internal bool CheckSync(string path)
    {
        if (FailSync) throw new IOException($"Injected fault: fsync of {path} failed.");
        return IgnoreSyncOf is not { } ignores || !ignores(path);
    }

    internal void ApplyFlips(string path, long fileOffset, Span<byte> data)
    {
        lock (_gate)
        {
            if (_flips.Count == 0) return;
            string full = Path.GetFullPath(path);
            foreach (var (p, offset) in _flips)
                if (offset >= fileOffset && offset < fileOffset + data.Length && string.Equals(p, full, StringComparison.Ordinal))
                    data[(int)(offset - fileOffset)] ^= 0xFF;
        }
    }
}

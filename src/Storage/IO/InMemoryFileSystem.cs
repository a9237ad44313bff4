using System.Diagnostics.CodeAnalysis;

namespace RingStore.Storage.IO;

/// <summary>
/// The file seam in memory, for deterministic simulation: fast, no disk, and able to crash as a real machine does.
/// What survives <see cref="Crash"/> is exactly what the POSIX contract promises and nothing more: a file's bytes up to
/// its last <see cref="IWritableFile.Sync"/>, and a directory's names (creations, renames, deletions) as of its last
/// <see cref="SyncDirectory"/>. Everything else is lost, except that with torn writes on, a random prefix of a file's
/// unsynced tail may survive too (the disk wrote part of it before power went). A name whose directory was never
/// synced is lost, even when its bytes were: that is the bug class (publish without a directory fsync) the simulator
/// is there to find. Directories themselves are durable when created (the engine creates them once at startup).
/// Open files keep their inode after a delete or rename, as on Linux. Thread-safe (one lock; the simulator is
/// single-threaded anyway).
/// </summary>
public sealed class InMemoryFileSystem : IStorageFileSystem
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Inode> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, Inode>> _durableNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    /// <summary>Bytes held by every file reachable by name (for tests and the simulator's summary).</summary>
    public long TotalBytes
    {
        get
        {
            lock (_gate) return _names.Values.Distinct().Sum(i => (long)i.Length);
        }
    }

    public IWritableFile CreateForWrite(string path)
    {
        lock (_gate)
        {
            RequireDirectory(path);
            if (_names.TryGetValue(path, out var existing))
            {
                existing.Truncate(); // O_TRUNC: the same inode; the old bytes stay durable until the next sync
                return new Writer(this, path, existing);
            }
            var inode = new Inode();
            _names[path] = inode;
            return new Writer(this, path, inode);
        }
    }

    public IReadableFile OpenRead(string path)
    {
        lock (_gate) return new Reader(this, path, Find(path));
    }

    public void Rename(string from, string to)
    {
        lock (_gate)
        {
            var inode = Find(from);
            RequireDirectory(to);
            _names.Remove(from);
            _names[to] = inode;
        }
    }

    public void Delete(string path)
    {
        lock (_gate) _names.Remove(path);
    }

    public bool Exists(string path)
    {
        lock (_gate) return _names.ContainsKey(path);
    }

    public long GetLength(string path)
    {
        lock (_gate) return Find(path).Length;
    }

    public void CreateDirectory(string directory)
    {
        lock (_gate)
        {
            for (string? d = Normalize(directory); !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d)) _directories.Add(d);
        }
    }

    public IReadOnlyList<string> ListFiles(string directory)
    {
        string dir = Normalize(directory);
        lock (_gate) return [.. _names.Keys.Where(p => Parent(p) == dir).Order(StringComparer.Ordinal)];
    }

    public void SyncDirectory(string directory)
    {
        string dir = Normalize(directory);
        lock (_gate) _durableNames[dir] = _names.Where(e => Parent(e.Key) == dir).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
    }

    public void CreateHardLink(string existingPath, string linkPath)
    {
        lock (_gate)
        {
            var inode = Find(existingPath);
            RequireDirectory(linkPath);
            if (_names.ContainsKey(linkPath)) throw new IOException($"File exists: {linkPath}");
            _names[linkPath] = inode; // a second name of the same inode, as link(2)
        }
    }

    /// <summary>Creates the file if missing (the new name is durable after <see cref="SyncDirectory"/>, as for any file).</summary>
    public IRandomAccessFile OpenForUpdate(string path)
    {
        lock (_gate)
        {
            if (!_names.TryGetValue(path, out var inode))
            {
                RequireDirectory(path);
                inode = new Inode();
                _names[path] = inode;
            }
            return new Updater(this, path, inode);
        }
    }

    public IReadOnlyList<string> ListDirectories(string directory)
    {
        string dir = Normalize(directory);
        lock (_gate) return [.. _directories.Where(d => Parent(d) == dir).Order(StringComparer.Ordinal)];
    }

    /// <summary>Removes the directory, its subdirectories and every name under them; durable at once (like directories' creation).</summary>
    public void DeleteDirectory(string directory)
    {
        string dir = Normalize(directory);
        string prefix = dir + Path.DirectorySeparatorChar;
        lock (_gate)
        {
            foreach (string name in _names.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList()) _names.Remove(name);
            foreach (string d in _durableNames.Keys.Where(d => d == dir || d.StartsWith(prefix, StringComparison.Ordinal)).ToList()) _durableNames.Remove(d);
            _directories.RemoveWhere(d => d == dir || d.StartsWith(prefix, StringComparison.Ordinal));
            if (_durableNames.TryGetValue(Parent(dir), out var parent))
                foreach (string name in parent.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList()) parent.Remove(name);
        }
    }

    /// <summary>
    /// Power loss: names fall back to each directory's last sync, bytes to each file's last sync (plus, with
    /// <paramref name="tornWrites"/>, a prefix of the unsynced tail drawn from <paramref name="random"/>). Handles
    /// opened before the crash must not be used after it (the simulator throws the node's objects away).
    /// </summary>
    public void Crash(Random random, bool tornWrites)
    {
        ArgumentNullException.ThrowIfNull(random);
        lock (_gate)
        {
            _names.Clear();
            foreach (var entries in _durableNames.Values)
                foreach (var (path, inode) in entries) _names[path] = inode;
            foreach (var inode in _names.Values.Distinct()) inode.Crash(random, tornWrites);
        }
    }

    private Inode Find(string path) =>
        _names.TryGetValue(path, out var inode) ? inode : throw new FileNotFoundException($"No such file: {path}", path);

    private void RequireDirectory(string path)
    {
        string parent = Parent(path);
        if (parent.Length > 0 && !_directories.Contains(parent))
            throw new DirectoryNotFoundException($"Could not find a part of the path '{path}'.");
    }

    private static string Parent(string path) => Path.GetDirectoryName(path) ?? "";

    [return: NotNullIfNotNull(nameof(directory))]
    private static string Normalize(string directory) => Path.TrimEndingDirectorySeparator(directory);

    /// <summary>A file's bytes: what is there now, and how much of it (or which older bytes) a crash keeps.</summary>
    private sealed class Inode
    {
        private byte[] _data = [];
        private const int UndoBlock = 512;
        private byte[]? _durableBeforeTruncate; // set when truncated since the last sync: a crash brings these back
        private int _durableLength;
        // Durable bytes overwritten in place since the last sync, per 512-byte block: a crash puts them back (each
        // block independently with torn writes: the disk wrote some sectors of an overwrite and not others).
        private SortedDictionary<int, byte[]>? _undo;

        public int Length { get; private set; }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (Length + bytes.Length > _data.Length) Array.Resize(ref _data, Math.Max(Length + bytes.Length, Math.Max(4096, _data.Length * 2)));
            bytes.CopyTo(_data.AsSpan(Length));
            Length += bytes.Length;
        }

        /// <summary>pwrite: overwrites in place (remembering the durable bytes it replaces), zero-fills a gap.</summary>
        public void WriteAt(long offset, ReadOnlySpan<byte> bytes)
        {
            int start = checked((int)offset);
            int end = checked(start + bytes.Length);
            if (start < _durableLength) SaveUndo(start, Math.Min(end, _durableLength));
            if (end > _data.Length) Array.Resize(ref _data, Math.Max(end, Math.Max(4096, _data.Length * 2)));
            if (start > Length) _data.AsSpan(Length, start - Length).Clear();
            bytes.CopyTo(_data.AsSpan(start));
            Length = Math.Max(Length, end);
        }

        private void SaveUndo(int from, int to)
        {
            _undo ??= [];
            for (int block = from / UndoBlock; block * UndoBlock < to; block++)
            {
                if (_undo.ContainsKey(block)) continue;
                int begin = block * UndoBlock;
                _undo[block] = _data.AsSpan(begin, Math.Min(UndoBlock, _durableLength - begin)).ToArray();
            }
        }

        private void ApplyUndo(Random? random)
        {
            if (_undo is null) return;
            foreach (var (block, old) in _undo)
                if (random is null || random.Next(2) == 0) old.CopyTo(_data.AsSpan(block * UndoBlock));
            _undo = null;
        }

        public int Read(long offset, Span<byte> buffer)
        {
            if (offset >= Length) return 0;
            int count = (int)Math.Min(buffer.Length, Length - offset);
            _data.AsSpan((int)offset, count).CopyTo(buffer);
            return count;
        }

        public void Truncate()
        {
            if (_durableBeforeTruncate is null && _undo is not null)
            {
                var durable = _data.AsSpan(0, _durableLength).ToArray();
                foreach (var (block, old) in _undo) old.CopyTo(durable.AsSpan(block * UndoBlock));
                _undo = null;
                _durableBeforeTruncate = durable;
            }
            _durableBeforeTruncate ??= _data.AsSpan(0, _durableLength).ToArray();
            Length = 0;
            _durableLength = 0;
        }

        public void Sync()
        {
            _durableLength = Length;
            _durableBeforeTruncate = null;
            _undo = null;
        }

        public void Crash(Random random, bool tornWrites)
        {
            if (_durableBeforeTruncate is { } old)
            {
                _data = old;
                Length = _durableLength = old.Length;
                _durableBeforeTruncate = null;
                _undo = null;
                return;
            }
            ApplyUndo(tornWrites ? random : null);
            int kept = _durableLength;
            if (tornWrites && Length > kept) kept += random.Next(Length - kept + 1);
            Length = _durableLength = kept;
        }
    }

    private sealed class Writer(InMemoryFileSystem fs, string path, Inode inode) : IWritableFile
    {
        private bool _closed;

        public string Path { get; } = path;

        public long Position { get; private set; }

        public void Write(ReadOnlySpan<byte> data)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            lock (fs._gate)
            {
                inode.Append(data);
                Position += data.Length;
            }
        }

        public void Sync()
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            lock (fs._gate) inode.Sync();
        }

        public void Dispose() => _closed = true;
    }

    private sealed class Reader(InMemoryFileSystem fs, string path, Inode inode) : IReadableFile
    {
        public string Path { get; } = path;

        public long Length
        {
            get
            {
                lock (fs._gate) return inode.Length;
            }
        }

        public int ReadAt(long fileOffset, Span<byte> buffer)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(fileOffset);
            lock (fs._gate) return inode.Read(fileOffset, buffer);
        }

        public void Dispose()
        {
        }
    }

    private sealed class Updater(InMemoryFileSystem fs, string path, Inode inode) : IRandomAccessFile
    {
        private bool _closed;

        public string Path { get; } = path;

        public long Length
        {
            get
            {
                lock (fs._gate) return inode.Length;
            }
        }

        public int ReadAt(long fileOffset, Span<byte> buffer)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(fileOffset);
            ObjectDisposedException.ThrowIf(_closed, this);
            lock (fs._gate) return inode.Read(fileOffset, buffer);
        }

        public void WriteAt(long fileOffset, ReadOnlySpan<byte> data)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(fileOffset);
            ObjectDisposedException.ThrowIf(_closed, this);
            lock (fs._gate) inode.WriteAt(fileOffset, data);
        }

        public void Sync()
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            lock (fs._gate) inode.Sync();
        }

        public void Dispose() => _closed = true;
    }
}

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

    public IReadOnlyList<string> ListDirectories(string directory)
    {
        string dir = Normalize(directory);
        lock (_gate) return [.. _directories.Where(d => Parent(d) == dir).Order(StringComparer.Ordinal)];
    }

    public void DeleteDirectory(string directory)
    {
        string dir = Normalize(directory);
        string prefix = dir + Path.DirectorySeparatorChar;
        lock (_gate)
        {
            foreach (string path in _names.Keys.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).ToList()) _names.Remove(path);
            _directories.RemoveWhere(d => d == dir || d.StartsWith(prefix, StringComparison.Ordinal));
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
        private byte[]? _durableBeforeTruncate; // set when truncated since the last sync: a crash brings these back
        private int _durableLength;

        public int Length { get; private set; }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (Length + bytes.Length > _data.Length) Array.Resize(ref _data, Math.Max(Length + bytes.Length, Math.Max(4096, _data.Length * 2)));
            bytes.CopyTo(_data.AsSpan(Length));
            Length += bytes.Length;
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
            _durableBeforeTruncate ??= _data.AsSpan(0, _durableLength).ToArray();
            Length = 0;
            _durableLength = 0;
        }

        public void Sync()
        {
            _durableLength = Length;
            _durableBeforeTruncate = null;
        }

        public void Crash(Random random, bool tornWrites)
        {
            if (_durableBeforeTruncate is { } old)
            {
                _data = old;
                Length = _durableLength = old.Length;
                _durableBeforeTruncate = null;
                return;
            }
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
}

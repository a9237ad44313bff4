using System.Buffers.Binary;
using System.IO.Hashing;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Compaction;

/// <summary>
/// The durable record that a compaction retired some SSTable generations. A compaction writes it (temp file, fsync,
/// rename, directory fsync) after its output is complete and before it swaps the output in; it is deleted once every
/// retired generation's files are gone. A crash in between leaves it behind, and opening the table finishes the job
/// (<see cref="FinishLeftovers"/>): without it, the retired SSTables would come back as live data at restart, and
/// one whose tombstones were purged would resurrect what those tombstones deleted (Cassandra keeps a transaction
/// log for the same reason). Stored as <c>compaction-&lt;output generation&gt;.log</c>: version, count, generations,
/// XxHash32 of all of it.
/// </summary>
public sealed class CompactionTransactionLog
{
    private const string Prefix = "compaction-";
    private const string Suffix = ".log";
    private const byte FormatVersion = 1;

    private readonly IStorageFileSystem _fs;
    private int _pending;

    private CompactionTransactionLog(IStorageFileSystem fs, string path, int pending)
    {
        _fs = fs;
        Path = path;
        _pending = pending;
    }

    public string Path { get; }

    /// <summary>Durably records that <paramref name="retired"/> are obsolete once <paramref name="id"/> is installed.</summary>
    public static CompactionTransactionLog Begin(IStorageFileSystem fs, string directory, long id, IReadOnlyCollection<long> retired)
    {
        ArgumentNullException.ThrowIfNull(fs);
        ArgumentNullException.ThrowIfNull(retired);
        var buffer = new byte[1 + 4 + (8 * retired.Count) + 4];
        buffer[0] = FormatVersion;
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(1), retired.Count);
        int at = 5;
        foreach (long g in retired)
        {
            BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(at), g);
            at += 8;
        }
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(at), XxHash32.HashToUInt32(buffer.AsSpan(0, at)));

        string path = System.IO.Path.Combine(directory, $"{Prefix}{id}{Suffix}");
        AtomicFile.Write(fs, path, buffer);
        return new CompactionTransactionLog(fs, path, retired.Count);
    }

    /// <summary>One retired generation's files are deleted; the last one removes the log.</summary>
    public void OneDeleted()
    {
        if (Interlocked.Decrement(ref _pending) == 0) _fs.Delete(Path);
    }

    /// <summary>The compaction did not install its output (nothing was retired): the log must not act at restart.</summary>
    public void Abandon() => _fs.Delete(Path);

    /// <summary>
    /// At table open, before SSTables are listed: deletes every generation a leftover log names (TOC first, so a
    /// crash during this leaves TOC-less files that the SSTable cleanup removes), then the log. Temp logs are of
    /// compactions that never swapped, so they are simply removed. Returns the generations removed.
    /// </summary>
    /// <exception cref="InvalidDataException">A log is damaged: guessing could resurrect deleted data.</exception>
    public static IReadOnlyList<long> FinishLeftovers(IStorageFileSystem fs, string directory)
    {
        ArgumentNullException.ThrowIfNull(fs);
        var removed = new List<long>();
        foreach (string path in fs.ListFiles(directory))
        {
            string name = System.IO.Path.GetFileName(path);
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            if (name.EndsWith(Suffix + AtomicFile.TempSuffix, StringComparison.Ordinal))
            {
                fs.Delete(path);
                continue;
            }
            if (!name.EndsWith(Suffix, StringComparison.Ordinal)) continue;
            foreach (long generation in Read(fs, path))
            {
                if (DeleteGeneration(fs, directory, generation)) removed.Add(generation);
            }
            fs.SyncDirectory(directory);
            fs.Delete(path);
        }
        return removed;
    }

    private static bool DeleteGeneration(IStorageFileSystem fs, string directory, long generation)
    {
        bool any = false;
        foreach (var c in (SSTableComponent[])[SSTableComponent.Toc, .. SSTableFileNames.DataComponents])
        {
            string file = SSTableFileNames.PathOf(directory, generation, c);
            if (!fs.Exists(file)) continue;
            fs.Delete(file);
            any = true;
        }
        return any;
    }

    internal static long[] Read(IStorageFileSystem fs, string path)
    {
        byte[] bytes;
        using (var file = fs.OpenRead(path))
        {
            if (file.Length is < 9 or > 1 << 24) throw new InvalidDataException($"{path}: compaction log of {file.Length} bytes is implausible.");
            bytes = new byte[file.Length];
            file.ReadExactlyAt(0, bytes);
        }
        if (bytes[0] != FormatVersion) throw new InvalidDataException($"{path}: unknown compaction log version {bytes[0]}.");
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1));
        if (count < 0 || bytes.Length != 1 + 4 + (8L * count) + 4)
            throw new InvalidDataException($"{path}: compaction log of {bytes.Length} bytes cannot hold {count} generations.");
        int end = bytes.Length - 4;
        if (BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(end)) != XxHash32.HashToUInt32(bytes.AsSpan(0, end)))
            throw new InvalidDataException($"{path}: compaction log checksum mismatch.");
        var generations = new long[count];
        for (int i = 0; i < count; i++) generations[i] = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(5 + (8 * i)));
        return generations;
    }
}

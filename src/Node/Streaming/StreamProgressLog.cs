using System.Globalization;
using System.Text;
using RingStore.Storage.IO;

namespace RingStore.Node.Streaming;

/// <summary>
/// The ranges a resumable operation (bootstrap, replace) has finished receiving, one line per (table, range),
/// appended and fsynced after the range's last SSTable is in the live set; and the source SSTables received whole
/// (entire-SSTable streaming), one line each once installed. A restarted bootstrap skips what is
/// listed, so it streams only what it had not finished (ScyllaDB's repair-based node operations resume like this;
/// Cassandra's streaming starts over). A torn last line is ignored: that range is simply streamed again.
/// </summary>
public sealed class StreamProgressLog : IDisposable
{
    private readonly FileStream _file;
    private readonly HashSet<string> _done;

    private StreamProgressLog(FileStream file, HashSet<string> done)
    {
        _file = file;
        _done = done;
    }

    public string Path => _file.Name;

    public static StreamProgressLog Open(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var done = new HashSet<string>(StringComparer.Ordinal);
        bool tornTail = false;
        if (File.Exists(path))
        {
            foreach (string line in File.ReadAllLines(path))
            {
                if (line.EndsWith(";", StringComparison.Ordinal)) done.Add(line); // complete lines only
            }
            using var probe = File.OpenRead(path);
            if (probe.Length > 0)
            {
                probe.Seek(-1, SeekOrigin.End);
                tornTail = probe.ReadByte() != '\n';
            }
        }
        bool created = !File.Exists(path);
        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        if (created) NativeDirectorySync.Sync(System.IO.Path.GetDirectoryName(path)!);
        if (tornTail)
        {
            // End the torn line, so the next entry starts a line of its own instead of being glued to it (and lost).
            file.Write("\n"u8);
            file.Flush(flushToDisk: true);
        }
        return new StreamProgressLog(file, done);
    }

    /// <summary>Ranges completed (SSTables received whole are not counted).</summary>
    public int CompletedCount => _done.Count(k => !k.StartsWith("file|", StringComparison.Ordinal));

    public bool IsDone(StreamItem item) => _done.Contains(Key(item));

    public void MarkDone(StreamItem item) => Append(Key(item));

    private void Append(string key)
    {
        lock (_done)
        {
            if (!_done.Add(key)) return;
            byte[] line = Encoding.UTF8.GetBytes(key + "\n");
            _file.Write(line);
            _file.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// Whether source SSTable <paramref name="generation"/> of <paramref name="table"/> on <paramref name="source"/> was
    /// received whole and installed (its range may not be complete yet: a resumed stream must neither send it again
    /// nor send its rows).
    /// </summary>
    public bool IsFileDone(string table, string source, long generation) => _done.Contains(FileKey(table, source, generation));

    public void MarkFileDone(string table, string source, long generation) => Append(FileKey(table, source, generation));

    private static string FileKey(string table, string source, long generation) =>
        string.Create(CultureInfo.InvariantCulture, $"file|{table}|{source}|{generation};");

    public static void Delete(string path)
    {
        if (File.Exists(path)) File.Delete(path);
    }

    private static string Key(StreamItem item) =>
        string.Create(CultureInfo.InvariantCulture, $"{item.Table}|{item.StartExclusive}|{item.EndInclusive};");

    public void Dispose() => _file.Dispose();
}

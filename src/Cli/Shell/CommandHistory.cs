namespace RingStore.Cli.Shell;

/// <summary>
/// Lines entered in the shell, kept across sessions in ~/.ringstore_history (the last <see cref="MaxEntries"/>).
/// A history that cannot be read or written is not worth failing the shell for, so I/O errors are ignored.
/// </summary>
public sealed class CommandHistory
{
    public const int MaxEntries = 1000;
    private readonly List<string> _entries = [];
    private readonly string? _path;

    public CommandHistory(string? path)
    {
        _path = path;
        if (path is null) return;
        try
        {
            if (File.Exists(path)) _entries.AddRange(File.ReadAllLines(path).Where(l => l.Length > 0).TakeLast(MaxEntries));
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    public static string DefaultPath => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ringstore_history");

    public IReadOnlyList<string> Entries => _entries;

    public void Add(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Trim().Length == 0 || (_entries.Count > 0 && _entries[^1] == line)) return;
        if (HistoryFilter.HoldsSecret(line)) return; // LOGIN and PASSWORD = '...' never reach the history file
        _entries.Add(line);
        if (_entries.Count > MaxEntries) _entries.RemoveAt(0);
        if (_path is null) return;
        try
        {
            File.AppendAllLines(_path, [line]);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

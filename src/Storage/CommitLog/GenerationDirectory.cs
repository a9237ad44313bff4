using System.Globalization;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// Where each generation lives under the commit-log directory, and how a generation is created, found and deleted.
/// Generation 1 is the directory itself (the layout from before generations: <c>commitlog.log.N</c>,
/// <c>log-commits/</c>, <c>commitlog.cut</c>); generation N >= 2 is the subdirectory <c>gN/</c> with the same files.
/// <c>commitlog.id</c> stays in the top directory: it names the whole log, all generations.
///
/// Deleting is crash-safe: the generation's commit metadata goes first, by one rename into <c>deleting-N/</c>
/// (a whole <c>gN</c> is renamed in one step), so a crash halfway leaves either the whole generation or none that
/// replay would read; leftovers of <c>deleting-*</c> are removed at the next open.
/// </summary>
internal static class GenerationDirectory
{
    private const string CommitDirName = "log-commits";
    private const string DeletingPrefix = "deleting-";

    public static string PathOf(string root, int generation) =>
        generation == 1 ? root : Path.Combine(root, "g" + generation.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Removes leftovers of interrupted deletions and lists the live generations, oldest first; an empty directory
    /// (a new log) has generation 1.
    /// </summary>
    public static IReadOnlyList<int> OpenExisting(string root)
    {
        foreach (string dir in Directory.EnumerateDirectories(root, DeletingPrefix + "*"))
            Directory.Delete(dir, recursive: true);
        var numbers = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories(root, "g*"))
        {
            if (TryParse(Path.GetFileName(dir), out int n))
                numbers.Add(n);
        }
        // Generation 1 lives while its commit metadata does, or while it is the only one (a new log, or one that
        // crashed before its first commit). Without metadata and with later generations it was being deleted.
        if (numbers.Count == 0 || Directory.Exists(Path.Combine(root, CommitDirName)))
            numbers.Add(1);
        else
            DeleteGenerationOneFiles(root);
        return GenerationBookkeeping.ReplayOrder(numbers);
    }

    /// <summary>Deletes a generation's files (its FasterLog must be closed). Files of other generations are not touched.</summary>
    public static void Delete(string root, int generation)
    {
        string trash = Path.Combine(root, DeletingPrefix + generation.ToString(CultureInfo.InvariantCulture));
        if (generation == 1)
        {
            Directory.CreateDirectory(trash);
            string commits = Path.Combine(root, CommitDirName);
            if (Directory.Exists(commits))
                Directory.Move(commits, Path.Combine(trash, CommitDirName));
            IO.PhysicalFileSystem.Instance.SyncDirectory(root);
            DeleteGenerationOneFiles(root);
        }
        else
        {
            string dir = PathOf(root, generation);
            if (Directory.Exists(dir))
            {
                Directory.Move(dir, trash);
                IO.PhysicalFileSystem.Instance.SyncDirectory(root);
            }
        }
        if (Directory.Exists(trash))
            Directory.Delete(trash, recursive: true);
    }

    private static void DeleteGenerationOneFiles(string root)
    {
        foreach (string file in Directory.EnumerateFiles(root, CommitLog.SegmentBaseName + ".*"))
            File.Delete(file);
        File.Delete(Path.Combine(root, CutRangesFile.FileName));
    }

    private static bool TryParse(string name, out int generation) =>
        int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out generation) &&
        generation >= 2 && generation <= GenerationPositions.MaxGeneration;
}

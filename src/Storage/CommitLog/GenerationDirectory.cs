using System.Globalization;
using RingStore.Storage.IO;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// Where each generation lives under the commit-log directory, and how a generation is created, found and deleted.
/// Generation 1 is the directory itself (the layout from before generations: <c>commitlog.log.N</c>,
/// <c>log-commits/</c>, <c>commitlog.cut</c>); generation N >= 2 is the subdirectory <c>gN/</c> with the same files.
/// <c>commitlog.id</c> stays in the top directory: it names the whole log, all generations. All through the file seam.
///
/// Deleting is crash-safe: the generation's commit metadata (<c>log-commits/</c>) goes first, and a generation that
/// has no commit metadata and is not the newest is a deletion that a crash interrupted: the next open finishes it.
/// (Such a generation holds nothing durable anyway: without commit metadata FasterLog recovers it empty.) Leftovers
/// of the older scheme, which renamed a generation into <c>deleting-N/</c> first, are removed at open too.
/// </summary>
internal static class GenerationDirectory
{
    private const string CommitDirName = CheckedCommitManager.DirectoryName;
    private const string DeletingPrefix = "deleting-";

    public static string PathOf(string root, int generation) =>
        generation == 1 ? root : Path.Combine(root, "g" + generation.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Finishes interrupted deletions and lists the live generations, oldest first; an empty directory (a new log)
    /// has generation 1.
    /// </summary>
    public static IReadOnlyList<int> OpenExisting(IStorageFileSystem fs, string root)
    {
        var candidates = new List<int> { 1 };
        foreach (string dir in fs.ListDirectories(root))
        {
            string name = Path.GetFileName(dir);
            if (name.StartsWith(DeletingPrefix, StringComparison.Ordinal))
                fs.DeleteDirectory(dir);
            else if (TryParse(name, out int n))
                candidates.Add(n);
        }
        // A generation lives while its commit metadata does, or while it is the newest (a new log, or one that crashed
        // before its first commit). Without metadata and with later generations it was being deleted.
        int newest = candidates.Max();
        var live = new List<int>();
        foreach (int n in candidates)
        {
            if (n == newest || fs.DirectoryExists(Path.Combine(PathOf(root, n), CommitDirName)))
                live.Add(n);
            else
                DeleteFiles(fs, root, n);
        }
        return GenerationBookkeeping.ReplayOrder(live);
    }

    /// <summary>Deletes a generation's files (its FasterLog must be closed). Files of other generations are not touched.</summary>
    public static void Delete(IStorageFileSystem fs, string root, int generation)
    {
        string dir = PathOf(root, generation);
        // The metadata first, durably: from then on the generation is "being deleted" for a crash.
        fs.DeleteDirectory(Path.Combine(dir, CommitDirName));
        fs.SyncDirectory(dir);
        DeleteFiles(fs, root, generation);
    }

    private static void DeleteFiles(IStorageFileSystem fs, string root, int generation)
    {
        if (generation != 1)
        {
            fs.DeleteDirectory(PathOf(root, generation));
            return;
        }
        fs.DeleteDirectory(Path.Combine(root, CommitDirName));
        foreach (string file in fs.ListFiles(root))
        {
            string name = Path.GetFileName(file);
            if (name.StartsWith(CommitLog.SegmentBaseName + ".", StringComparison.Ordinal) || name == CutRangesFile.FileName)
                fs.Delete(file);
        }
    }

    private static bool TryParse(string name, out int generation)
    {
        generation = 0;
        return name.Length > 1 && name[0] == 'g' &&
            int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out generation) &&
            generation >= 2 && generation <= GenerationPositions.MaxGeneration;
    }
}

using System.Globalization;
using RingStore.Storage.IO;

namespace RingStore.Storage.Snapshots;

/// <summary>
/// Where snapshots live: <c>&lt;data&gt;/data/&lt;keyspace&gt;/&lt;table&gt;-&lt;id&gt;/snapshots/&lt;tag&gt;/</c>, beside the
/// table's SSTables (hard links need the same file system). A dropped table's folder stays while it holds
/// snapshots, so they are found by walking the folders, not the live tables.
/// </summary>
internal static class SnapshotLayout
{
    public const string FolderName = "snapshots";

    public static string SnapshotsOf(string tableDirectory) => Path.Combine(tableDirectory, FolderName);

    public static string Of(string tableDirectory, string tag) => Path.Combine(SnapshotsOf(tableDirectory), tag);

    /// <summary>(keyspace, table, id, table folder) of every table folder under <paramref name="keyspacesRoot"/>.</summary>
    public static IEnumerable<(string Keyspace, string Table, Guid Id, string Directory)> TableDirectories(IStorageFileSystem fs, string keyspacesRoot)
    {
        foreach (string keyspaceDir in fs.ListDirectories(keyspacesRoot).Order(StringComparer.Ordinal))
        {
            string keyspace = Path.GetFileName(keyspaceDir);
            foreach (string tableDir in fs.ListDirectories(keyspaceDir).Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileName(tableDir);
                int dash = name.LastIndexOf('-');
                if (dash <= 0 || !Guid.TryParseExact(name[(dash + 1)..], "N", out var id)) continue;
                yield return (keyspace, name[..dash], id, tableDir);
            }
        }
    }

    /// <summary>
    /// The files of SSTable <paramref name="generation"/> in a folder's listing: every component, whatever the format
    /// version has (by name prefix, so components added by a later format are linked too).
    /// </summary>
    public static IEnumerable<string> GenerationFiles(IReadOnlyList<string> directoryListing, long generation)
    {
        string prefix = GenerationPrefix(generation);
        return directoryListing
            .Where(p =>
            {
                string name = Path.GetFileName(p);
                return name.StartsWith(prefix, StringComparison.Ordinal) && !name.EndsWith(SSTables.SSTableFileNames.TempSuffix, StringComparison.Ordinal);
            })
            .Order(StringComparer.Ordinal);
    }

    /// <summary>"rs-{generation}-": how every file name of a generation starts.</summary>
    public static string GenerationPrefix(long generation) =>
        string.Create(CultureInfo.InvariantCulture, $"{SSTables.SSTableFileNames.Prefix}{generation}-");
}

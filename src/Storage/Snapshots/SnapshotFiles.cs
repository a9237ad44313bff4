using System.Text;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Snapshots;

/// <summary>
/// A snapshot's SSTable files: the completeness check and the hard-linking of one SSTable into a live table folder
/// under a new generation (restore). The TOC is the commit point, as for every SSTable the engine writes: the other
/// components are linked under the new names, opened without a TOC and every block verified, and only then is a TOC
/// naming the new files written. A crash before it leaves a TOC-less generation that the table's open deletes
/// (deleting only those names: the snapshot's own links keep the data).
/// </summary>
internal static class SnapshotFiles
{
    /// <summary>Throws <see cref="InvalidDataException"/> when a file the manifest lists is missing or has another size.</summary>
    public static void CheckComplete(IStorageFileSystem fs, string snapshotDirectory, SnapshotManifest manifest)
    {
        foreach (var sst in manifest.SSTables)
        {
            string prefix = SnapshotLayout.GenerationPrefix(sst.Generation);
            if (!sst.Files.Any(f => IsToc(f.Name)))
                throw new InvalidDataException($"Snapshot {snapshotDirectory}: SSTable generation {sst.Generation} lists no TOC.");
            foreach (var f in sst.Files)
            {
                if (!f.Name.StartsWith(prefix, StringComparison.Ordinal) || f.Name.Contains('/', StringComparison.Ordinal) || f.Name.Contains('\\', StringComparison.Ordinal))
                    throw new InvalidDataException($"Snapshot {snapshotDirectory}: '{f.Name}' is not a file of SSTable generation {sst.Generation}.");
                string path = Path.Combine(snapshotDirectory, f.Name);
                if (!fs.Exists(path)) throw new InvalidDataException($"Snapshot {snapshotDirectory} is missing {f.Name}.");
                long length = fs.GetLength(path);
                if (length != f.Bytes) throw new InvalidDataException($"Snapshot {snapshotDirectory}: {f.Name} has {length} bytes, the manifest says {f.Bytes}.");
            }
        }
    }

    private static bool IsToc(string name) =>
        SSTableFileNames.TryParse(name, out _, out var component, out bool temp) && !temp && component == SSTableComponent.Toc;

    /// <summary>Links SSTable <paramref name="sst"/> of a snapshot into <paramref name="tableDirectory"/> as <paramref name="generation"/>; returns it open.</summary>
    public static SSTableReader LinkInto(IStorageFileSystem fs, string snapshotDirectory, SnapshotSSTable sst, string tableDirectory, long generation)
    {
        string oldPrefix = SnapshotLayout.GenerationPrefix(sst.Generation);
        string newPrefix = SnapshotLayout.GenerationPrefix(generation);
        string tocPath = SSTableFileNames.PathOf(tableDirectory, generation, SSTableComponent.Toc);
        var linked = new List<string>();
        try
        {
            string? toc = null;
            foreach (var f in sst.Files)
            {
                if (IsToc(f.Name))
                {
                    toc = f.Name;
                    continue;
                }
                string target = Path.Combine(tableDirectory, newPrefix + f.Name[oldPrefix.Length..]);
                fs.CreateHardLink(Path.Combine(snapshotDirectory, f.Name), target);
                linked.Add(target);
            }
            fs.SyncDirectory(tableDirectory);
            using (var unverified = SSTableReader.OpenWithoutToc(fs, tableDirectory, generation)) unverified.VerifyChecksums();

            // The snapshot's TOC with the new generation's file names (any header and component list it has is kept).
            string text;
            using (var file = fs.OpenRead(Path.Combine(snapshotDirectory, toc!)))
            {
                var bytes = new byte[file.Length];
                file.ReadExactlyAt(0, bytes);
                text = Encoding.UTF8.GetString(bytes);
            }
            var lines = text.Split('\n').Select(l => l.StartsWith(oldPrefix, StringComparison.Ordinal) ? newPrefix + l[oldPrefix.Length..] : l);
            linked.Insert(0, tocPath);
            AtomicFile.Write(fs, tocPath, Encoding.UTF8.GetBytes(string.Join('\n', lines)));
            return SSTableReader.Open(fs, tableDirectory, generation);
        }
        catch
        {
            // TOC first, so a crash midway leaves a TOC-less generation that open removes.
            var cleanup = new CleanupErrors();
            foreach (string path in linked) cleanup.Run(() => fs.Delete(path));
            throw;
        }
    }
}

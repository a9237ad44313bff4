using Microsoft.Extensions.Logging;

namespace RingStore.Storage.SSTables;

/// <summary>Startup housekeeping of an SSTable directory.</summary>
public static class SSTableDirectory
{
    /// <summary>
    /// Removes what interrupted writes left behind (".tmp" files, and generations without a TOC,
    /// since the TOC is written last) and returns the complete generations, ascending. A generation
    /// whose TOC exists but a component is missing is reported and skipped, not deleted: its
    /// remaining files may be all that is left of that data.
    /// </summary>
    public static IReadOnlyList<long> CleanupAndListGenerations(IO.IStorageFileSystem fs, string directory, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(fs);
        var byGeneration = new Dictionary<long, List<(string Path, SSTableComponent Component)>>();
        foreach (string path in fs.ListFiles(directory))
        {
            if (!SSTableFileNames.TryParse(Path.GetFileName(path), out long generation, out var component, out bool isTemp)) continue;
            if (isTemp)
            {
                logger?.LogInformation("Removing temporary SSTable file {Path} left by an interrupted write", path);
                fs.Delete(path);
                continue;
            }
            if (!byGeneration.TryGetValue(generation, out var files)) byGeneration[generation] = files = [];
            files.Add((path, component));
        }

        var complete = new List<long>();
        foreach (var (generation, files) in byGeneration)
        {
            if (!files.Exists(f => f.Component == SSTableComponent.Toc))
            {
                logger?.LogWarning("Removing SSTable generation {Generation} in {Directory}: no TOC (interrupted write)", generation, directory);
                foreach (var f in files) fs.Delete(f.Path);
                continue;
            }
            var missing = Array.FindAll(SSTableFileNames.DataComponents, c => !files.Exists(f => f.Component == c));
            if (missing.Length > 0)
            {
                logger?.LogError("SSTable generation {Generation} in {Directory} is missing {Components}; skipping it",
                    generation, directory, string.Join(", ", missing));
                continue;
            }
            complete.Add(generation);
        }
        complete.Sort();
        return complete;
    }
}

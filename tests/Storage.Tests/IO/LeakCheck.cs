using RingStore.Storage.IO;

namespace RingStore.Storage.Tests.IO;

/// <summary>What a failed writer may leave behind: temp files on disk, writable files still open.</summary>
internal static class LeakCheck
{
    /// <summary>Every <c>.tmp</c> file under <paramref name="directory"/> (recursively), as relative paths.</summary>
    public static string[] TempFiles(string directory) =>
        [.. Directory.GetFiles(directory, "*" + AtomicFile.TempSuffix, SearchOption.AllDirectories).Select(f => Path.GetRelativePath(directory, f))];

    /// <summary>
    /// The process's open file descriptors (Linux /proc/self/fd) that point at a temp file or a deleted file under
    /// <paramref name="directory"/>: a handle left open on a deleted temp file keeps its disk space. Empty elsewhere.
    /// </summary>
    public static string[] OpenTempHandles(string directory)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc/self/fd")) return [];
        var found = new List<string>();
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            string? target;
            try { target = new FileInfo(fd).LinkTarget; }
            catch (IOException) { continue; }
            if (target is null || !target.StartsWith(directory, StringComparison.Ordinal)) continue;
            if (target.Contains(AtomicFile.TempSuffix, StringComparison.Ordinal) || target.EndsWith("(deleted)", StringComparison.Ordinal))
                found.Add(target);
        }
        return [.. found];
    }

    /// <summary>No temp file on disk, no writable file open through <paramref name="fs"/>, no open handle on a temp or deleted file.</summary>
    public static void AssertNoLeaks(FaultInjectingFileSystem fs, string directory)
    {
        Assert.Empty(TempFiles(directory));
        Assert.Empty(fs.OpenWritableFiles);
        Assert.Empty(OpenTempHandles(directory));
    }
}

namespace RingStore.Bench.Storage;

/// <summary>Bytes of all files (or those matching a pattern) under a directory.</summary>
public static class DirectorySize
{
    public static long Of(string dir, string pattern = "*") =>
        Directory.Exists(dir) ? new DirectoryInfo(dir).EnumerateFiles(pattern, SearchOption.AllDirectories).Sum(f => f.Length) : 0;
}

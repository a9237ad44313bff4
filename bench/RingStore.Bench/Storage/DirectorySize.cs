namespace RingStore.Bench.Storage;

/// <summary>Bytes of all files under a directory.</summary>
public static class DirectorySize
{
    public static long Of(string dir) =>
        Directory.Exists(dir) ? new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
}

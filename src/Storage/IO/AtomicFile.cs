namespace RingStore.Storage.IO;

/// <summary>
/// Publishes a small file so that a crash leaves either the old file or the whole new one: write to
/// <c>path.tmp</c>, fsync, rename over <paramref name="path"/>, fsync the directory (the rename's durability).
/// Readers that find a leftover <c>.tmp</c> know the publish never happened.
/// </summary>
public static class AtomicFile
{
    public const string TempSuffix = ".tmp";

    public static void Write(IStorageFileSystem fs, string path, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(fs);
        string temp = path + TempSuffix;
        using (var file = fs.CreateForWrite(temp))
        {
            file.Write(content);
            file.Sync();
        }
        fs.Rename(temp, path);
        fs.SyncDirectory(Path.GetDirectoryName(path) ?? ".");
    }
}

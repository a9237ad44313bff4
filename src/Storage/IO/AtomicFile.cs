namespace RingStore.Storage.IO;

/// <summary>
/// Publishes a small file so that a crash leaves either the old file or the whole new one: write to
/// <c>path.tmp</c>, fsync, rename over <paramref name="path"/>, fsync the directory (the rename's durability).
/// A failed write, fsync or rename closes the temp file and deletes it (a full disk keeps no leftovers); a crash can
/// still leave a <c>.tmp</c>, and readers that find one know the publish never happened.
/// </summary>
public static class AtomicFile
{
    public const string TempSuffix = ".tmp";

    public static void Write(IStorageFileSystem fs, string path, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(fs);
        string temp = path + TempSuffix;
        try
        {
            WriteAndSync(fs, temp, content);
            fs.Rename(temp, path);
        }
        catch
        {
            var cleanup = new CleanupErrors();
            cleanup.Run(() => fs.Delete(temp));
            throw;
        }
        fs.SyncDirectory(Path.GetDirectoryName(path) ?? ".");
    }

    /// <summary>
    /// Creates <paramref name="path"/>, writes <paramref name="content"/> and fsyncs it. The file is closed whatever
    /// fails, and the first failure is the one thrown (a close that fails after a failed write does not hide it).
    /// Deleting the file on failure is the caller's business.
    /// </summary>
    internal static void WriteAndSync(IStorageFileSystem fs, string path, ReadOnlySpan<byte> content)
    {
        var file = fs.CreateForWrite(path);
        try
        {
            file.Write(content);
            file.Sync();
        }
        catch
        {
            var cleanup = new CleanupErrors();
            cleanup.Dispose(file);
            throw;
        }
        file.Dispose();
    }
}

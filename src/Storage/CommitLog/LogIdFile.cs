namespace RingStore.Storage.CommitLog;

/// <summary>
/// <c>commitlog.id</c>: 16 random bytes written (atomically, fsynced) when a log directory is first opened. A new log in
/// an emptied directory gets a new id, so positions recorded against the old one are recognised as foreign.
/// </summary>
internal static class LogIdFile
{
    public const string FileName = "commitlog.id";

    public static Guid LoadOrCreate(IO.IStorageFileSystem fs, string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (fs.Exists(path))
        {
            byte[] bytes = IO.ReadableFileExtensions.ReadAllBytes(fs, path);
            if (bytes.Length == 16) return new Guid(bytes);
            // A torn id is as good as none: replaying more than needed is safe, skipping entries is not.
        }
        var id = Guid.NewGuid();
        IO.AtomicFile.Write(fs, path, id.ToByteArray());
        return id;
    }
}

using RingStore.Storage.IO;

namespace RingStore.Storage.Tests.IO;

/// <summary>
/// Passes everything to the real file system and tells the test about each write and fsync of a file being written
/// (on the thread doing it), so tests can check when and where the engine writes without faking the disk.
/// </summary>
internal sealed class ObservedFileSystem(IStorageFileSystem inner) : IStorageFileSystem
{
    /// <summary>Before each write to a file created for writing.</summary>
    public Action<IWritableFile>? Writing { get; init; }

    /// <summary>After each fsync of a file created for writing.</summary>
    public Action<IWritableFile>? Synced { get; init; }

    public IWritableFile CreateForWrite(string path) => new File(this, inner.CreateForWrite(path));
    public IReadableFile OpenRead(string path) => inner.OpenRead(path);
    public void Rename(string from, string to) => inner.Rename(from, to);
    public void Delete(string path) => inner.Delete(path);
    public bool Exists(string path) => inner.Exists(path);
    public long GetLength(string path) => inner.GetLength(path);
    public void CreateDirectory(string directory) => inner.CreateDirectory(directory);
    public IReadOnlyList<string> ListFiles(string directory) => inner.ListFiles(directory);
    public void SyncDirectory(string directory) => inner.SyncDirectory(directory);
    public void CreateHardLink(string existingPath, string linkPath) => inner.CreateHardLink(existingPath, linkPath);
    public IReadOnlyList<string> ListDirectories(string directory) => inner.ListDirectories(directory);
    public void DeleteDirectory(string directory) => inner.DeleteDirectory(directory);
    public IRandomAccessFile OpenForUpdate(string path) => inner.OpenForUpdate(path);

    private sealed class File(ObservedFileSystem owner, IWritableFile file) : IWritableFile
    {
        public string Path => file.Path;
        public long Position => file.Position;

        public void Write(ReadOnlySpan<byte> data)
        {
            owner.Writing?.Invoke(this);
            file.Write(data);
        }

        public void Sync()
        {
            file.Sync();
            owner.Synced?.Invoke(this);
        }

        public void Dispose() => file.Dispose();
    }
}

namespace RingStore.Storage.IO;

/// <summary>The real disk: FileStream for writes, RandomAccess on a SafeFileHandle for positional reads.</summary>
public sealed class PhysicalFileSystem : IStorageFileSystem
{
    public static readonly PhysicalFileSystem Instance = new();

    public IWritableFile CreateForWrite(string path) => new PhysicalWritableFile(path);

    public IReadableFile OpenRead(string path) => new PhysicalReadableFile(path);

    public void Rename(string from, string to) => File.Move(from, to, overwrite: true);

    public void Delete(string path)
    {
        // File.Delete already ignores a missing file; a missing directory is the same "nothing to do".
        try { File.Delete(path); }
        catch (DirectoryNotFoundException) { }
    }

    public bool Exists(string path) => File.Exists(path);

    public long GetLength(string path) => new FileInfo(path).Length;

    public void CreateDirectory(string directory) => Directory.CreateDirectory(directory);

    public IReadOnlyList<string> ListFiles(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory) : [];

    public void SyncDirectory(string directory) => NativeDirectorySync.Sync(directory);

    public void CreateHardLink(string existingPath, string linkPath) => NativeHardLink.Create(existingPath, linkPath);

    public IRandomAccessFile OpenForUpdate(string path) => new PhysicalRandomAccessFile(path);

    public IReadOnlyList<string> ListDirectories(string directory) =>
        Directory.Exists(directory) ? Directory.GetDirectories(directory) : [];

    public void DeleteDirectory(string directory)
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

namespace RingStore.Storage.IO;

/// <summary>
/// The file seam of the storage engine. Everything that touches disk goes through it so tests can
/// inject faults (disk full, torn writes, flipped bytes) with <see cref="FaultInjectingFileSystem"/>
/// instead of needing a broken disk. Paths are plain OS paths.
/// </summary>
public interface IStorageFileSystem
{
    /// <summary>Creates (or truncates) a file for sequential writing.</summary>
    IWritableFile CreateForWrite(string path);

    /// <summary>Opens an existing file for concurrent random-access reads.</summary>
    IReadableFile OpenRead(string path);

    /// <summary>
    /// Atomically renames <paramref name="from"/> to <paramref name="to"/>, replacing it if present.
    /// The rename is durable only after <see cref="SyncDirectory"/>.
    /// </summary>
    void Rename(string from, string to);

    /// <summary>Deletes a file; a missing file is not an error.</summary>
    void Delete(string path);

    bool Exists(string path);

    long GetLength(string path);

    /// <summary>Creates the directory (and parents) if it does not exist.</summary>
    void CreateDirectory(string directory);

    /// <summary>Full paths of the files (not subdirectories) directly in <paramref name="directory"/>.</summary>
    IReadOnlyList<string> ListFiles(string directory);

    /// <summary>
    /// Makes creations, renames and deletions in the directory durable: without it a crash right
    /// after a rename can bring back the old name even though the file's data was fsynced.
    /// </summary>
    void SyncDirectory(string directory);

    /// <summary>
    /// Makes <paramref name="linkPath"/> a second name of the existing file <paramref name="existingPath"/> (a hard
    /// link: the same inode, no bytes copied; the file lives until its last name is deleted). Snapshots use it, so a
    /// snapshot costs no space until compaction deletes the live names. Durable only after <see cref="SyncDirectory"/>
    /// of the link's directory. Fails if <paramref name="linkPath"/> exists.
    /// </summary>
    void CreateHardLink(string existingPath, string linkPath);

    /// <summary>
    /// Opens <paramref name="path"/> for positional reads and writes, creating it empty if missing (a new name is
    /// durable only after <see cref="SyncDirectory"/>). Used by the commit log and hint log devices.
    /// </summary>
    IRandomAccessFile OpenForUpdate(string path) =>
        throw new NotSupportedException($"{GetType().Name} has no random-access files.");

    /// <summary>Full paths of the subdirectories directly in <paramref name="directory"/> (empty if it does not exist).</summary>
    IReadOnlyList<string> ListDirectories(string directory) =>
        throw new NotSupportedException($"{GetType().Name} cannot list directories.");

    /// <summary>Deletes a directory and everything under it; a missing directory is not an error.</summary>
    void DeleteDirectory(string directory) =>
        throw new NotSupportedException($"{GetType().Name} cannot delete directories.");
}

namespace RingStore.Storage.IO;

/// <summary>
/// A file open for positional reads. Implementations must be safe for concurrent calls from many
/// threads (positional reads share no file pointer), because one SSTable reader serves all reads.
/// </summary>
public interface IReadableFile : IDisposable
{
    string Path { get; }

    long Length { get; }

    /// <summary>Reads up to buffer.Length bytes at <paramref name="fileOffset"/>; returns the count (0 at end of file).</summary>
    int ReadAt(long fileOffset, Span<byte> buffer);

    /// <summary>
    /// A read-only memory map of the whole file, or null when this file cannot be mapped (the caller then reads
    /// with <see cref="ReadAt"/>). Files that inject faults or transform what is read return null.
    /// </summary>
    MappedFile? TryMap(int maxRangeBytes) => null;
}

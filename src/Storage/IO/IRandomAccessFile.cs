namespace RingStore.Storage.IO;

/// <summary>
/// A file open for positional reads and writes (pread/pwrite), for the log devices: FasterLog writes whole pages at
/// page offsets and rewrites the tail page as it fills, and commit metadata slots are overwritten in place.
/// Dispose closes it without syncing.
/// </summary>
public interface IRandomAccessFile : IDisposable
{
    string Path { get; }

    long Length { get; }

    /// <summary>Reads up to buffer.Length bytes at <paramref name="fileOffset"/>; returns the count (0 at end of file).</summary>
    int ReadAt(long fileOffset, Span<byte> buffer);

    /// <summary>Writes <paramref name="data"/> at <paramref name="fileOffset"/>, growing the file (zero-filled) if needed.</summary>
    void WriteAt(long fileOffset, ReadOnlySpan<byte> data);

    /// <summary>Makes every byte written so far durable (fsync).</summary>
    void Sync();
}

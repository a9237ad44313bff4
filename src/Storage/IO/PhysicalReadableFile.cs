using Microsoft.Win32.SafeHandles;

namespace RingStore.Storage.IO;

/// <summary>
/// Positional reads (pread) on one handle: no shared file pointer, so concurrent readers need no
/// lock. The length is read once because the files opened this way (SSTable components) are immutable.
/// </summary>
internal sealed class PhysicalReadableFile : IReadableFile
{
    private readonly SafeFileHandle _handle;

    public PhysicalReadableFile(string path)
    {
        Path = path;
        // FileShare.Delete: an obsolete SSTable may be deleted while a reader still holds it open.
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
            FileOptions.RandomAccess);
        Length = RandomAccess.GetLength(_handle);
    }

    public string Path { get; }

    public long Length { get; }

    public int ReadAt(long fileOffset, Span<byte> buffer) => RandomAccess.Read(_handle, buffer, fileOffset);

    public MappedFile? TryMap(int maxRangeBytes)
    {
        if (Length == 0) return null;
        try
        {
            return MappedFile.Map(_handle, Length, maxRangeBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // e.g. out of address space: positional reads still work
        }
    }

    public void Dispose() => _handle.Dispose();
}

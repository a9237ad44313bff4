using Microsoft.Win32.SafeHandles;

namespace RingStore.Storage.IO;

/// <summary>pread/pwrite on one handle (RandomAccess); <see cref="Sync"/> is fsync of the handle.</summary>
internal sealed class PhysicalRandomAccessFile : IRandomAccessFile
{
    private readonly SafeFileHandle _handle;

    public PhysicalRandomAccessFile(string path)
    {
        Path = path;
        _handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete,
            FileOptions.RandomAccess);
    }

    public string Path { get; }

    public long Length => RandomAccess.GetLength(_handle);

    public int ReadAt(long fileOffset, Span<byte> buffer) => RandomAccess.Read(_handle, buffer, fileOffset);

    public void WriteAt(long fileOffset, ReadOnlySpan<byte> data) => RandomAccess.Write(_handle, data, fileOffset);

    public void Sync() => RandomAccess.FlushToDisk(_handle);

    public void Dispose() => _handle.Dispose();
}

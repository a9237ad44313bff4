namespace RingStore.Storage.IO;

/// <summary>A FileStream opened for writing; <see cref="Sync"/> is Flush(flushToDisk: true), i.e. fsync.</summary>
internal sealed class PhysicalWritableFile : IWritableFile
{
    private readonly FileStream _stream;

    public PhysicalWritableFile(string path)
    {
        Path = path;
        _stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.Read | FileShare.Delete,
            BufferSize = 16 * 1024,
        });
    }

    public string Path { get; }

    public long Position => _stream.Position;

    public void Write(ReadOnlySpan<byte> data) => _stream.Write(data);

    public void Sync() => _stream.Flush(flushToDisk: true);

    public void Dispose() => _stream.Dispose();
}

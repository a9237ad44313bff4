namespace RingStore.Storage.IO;

/// <summary>A file being written sequentially. Dispose closes it without syncing.</summary>
public interface IWritableFile : IDisposable
{
    string Path { get; }

    /// <summary>Bytes accepted so far (buffered or written).</summary>
    long Position { get; }

    void Write(ReadOnlySpan<byte> data);

    /// <summary>Flushes buffers and fsyncs the file's data to stable storage.</summary>
    void Sync();
}

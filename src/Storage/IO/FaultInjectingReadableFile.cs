namespace RingStore.Storage.IO;

/// <summary>The read side of <see cref="FaultInjectingFileSystem"/>: fails chosen reads, flips the chosen bytes in what it returns.</summary>
internal sealed class FaultInjectingReadableFile(FaultInjectingFileSystem owner, IReadableFile inner) : IReadableFile
{
    public string Path => inner.Path;

    public long Length => inner.Length;

    public int ReadAt(long fileOffset, Span<byte> buffer)
    {
        owner.CheckRead(Path);
        int n = inner.ReadAt(fileOffset, buffer);
        owner.ApplyFlips(Path, fileOffset, buffer[..Math.Max(0, n)]);
        return n;
    }

    public void Dispose() => inner.Dispose();
}

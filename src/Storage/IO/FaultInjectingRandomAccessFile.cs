namespace RingStore.Storage.IO;

/// <summary>
/// The random-access side of <see cref="FaultInjectingFileSystem"/>: writes draw on the same byte budget (a write
/// over it stores the part that fits when tearing, then fails like ENOSPC), fsyncs fail with <c>FailSync</c>,
/// reads fail with <c>FailReadsOf</c> and see the flipped bytes.
/// </summary>
internal sealed class FaultInjectingRandomAccessFile(FaultInjectingFileSystem owner, IRandomAccessFile inner) : IRandomAccessFile
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

    public void WriteAt(long fileOffset, ReadOnlySpan<byte> data)
    {
        int allowed = owner.ReserveWrite(data.Length);
        if (allowed == data.Length)
        {
            inner.WriteAt(fileOffset, data);
            return;
        }
        if (owner.TearFailingWrite && allowed > 0) inner.WriteAt(fileOffset, data[..allowed]);
        else owner.ReturnReservation(allowed);
        throw new IOException($"Injected fault: no space left on device writing {Path} ({allowed} of {data.Length} bytes stored).");
    }

    public void Sync()
    {
        if (owner.CheckSync(Path)) inner.Sync();
    }

    public void Dispose() => inner.Dispose();
}

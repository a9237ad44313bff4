namespace RingStore.Storage.IO;

/// <summary>The write side of <see cref="FaultInjectingFileSystem"/>.</summary>
internal sealed class FaultInjectingWritableFile(FaultInjectingFileSystem owner, IWritableFile inner) : IWritableFile
{
    public string Path => inner.Path;

    public long Position => inner.Position;

    public void Write(ReadOnlySpan<byte> data)
    {
        int allowed = owner.ReserveWrite(data.Length);
        if (allowed == data.Length)
        {
            inner.Write(data);
            return;
        }
        if (owner.TearFailingWrite && allowed > 0) inner.Write(data[..allowed]);
        else owner.ReturnReservation(allowed);
        throw new IOException($"Injected fault: no space left on device writing {Path} ({allowed} of {data.Length} bytes stored).");
    }

    public void Sync()
    {
        owner.CheckSync(Path);
        inner.Sync();
    }

    public void Dispose() => inner.Dispose();
}

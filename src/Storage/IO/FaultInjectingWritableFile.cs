namespace RingStore.Storage.IO;

/// <summary>The write side of <see cref="FaultInjectingFileSystem"/>.</summary>
internal sealed class FaultInjectingWritableFile(FaultInjectingFileSystem owner, IWritableFile inner) : IWritableFile
{
    // Bytes accepted but not stored yet (DeferWriteFailureToFlush): they fail at the next Sync or Dispose.
    private readonly List<byte> _pending = [];
    private bool _disposed;

    public string Path => inner.Path;

    public long Position => inner.Position + _pending.Count;

    public void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pending.Count > 0)
        {
            _pending.AddRange(data);
            return;
        }
        int allowed = owner.ReserveWrite(data.Length);
        if (allowed == data.Length)
        {
            inner.Write(data);
            return;
        }
        if (owner.DeferWriteFailureToFlush)
        {
            // A buffered stream takes the bytes now and fails when it writes them out.
            owner.ReturnReservation(allowed);
            _pending.AddRange(data);
            return;
        }
        if (owner.TearFailingWrite && allowed > 0) inner.Write(data[..allowed]);
        else owner.ReturnReservation(allowed);
        throw DiskFull(allowed, data.Length);
    }

    public void Sync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FlushPending();
        if (owner.CheckSync(Path)) inner.Sync();
    }

    private void FlushPending()
    {
        if (_pending.Count == 0) return;
        var bytes = _pending.ToArray();
        int allowed = owner.ReserveWrite(bytes.Length);
        if (allowed == bytes.Length)
        {
            inner.Write(bytes);
            _pending.Clear();
            return;
        }
        // Nothing of the buffer is stored: the next flush tries it all again, as FileStream keeps its buffer.
        owner.ReturnReservation(allowed);
        throw DiskFull(0, bytes.Length);
    }

    private IOException DiskFull(int stored, int requested) =>
        new($"Injected fault: no space left on device writing {Path} ({stored} of {requested} bytes stored).");

    /// <summary>Like FileStream: tries to write what is buffered, closes the handle whatever happens, then throws.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            FlushPending();
        }
        finally
        {
            _pending.Clear();
            inner.Dispose();
            owner.OnClosed(this);
        }
    }
}

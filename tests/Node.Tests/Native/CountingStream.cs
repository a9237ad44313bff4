namespace RingStore.Node.Tests.Native;

/// <summary>
/// Wraps a connection's real stream (a TCP socket) and counts the writes (sends) and reads (receives) going through
/// it. <see cref="Hold"/> makes the next write wait until <see cref="Release"/>, to keep a send "running" while a
/// test finishes more replies.
/// </summary>
public sealed class CountingStream(Stream inner) : Stream
{
    private TaskCompletionSource? _hold;
    private int _writes;
    private int _reads;

    public int Writes => Volatile.Read(ref _writes);

    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Completes once a held write has started (and is waiting for <see cref="Release"/>).</summary>
    public TaskCompletionSource HeldWriteStarted { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ResetCounts()
    {
        Volatile.Write(ref _writes, 0);
        Volatile.Write(ref _reads, 0);
    }

    public void Hold()
    {
        HeldWriteStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _hold, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    public void Release() => Interlocked.Exchange(ref _hold, null)?.TrySetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _writes);
        if (Volatile.Read(ref _hold) is { } hold)
        {
            HeldWriteStarted.TrySetResult();
            await hold.Task.WaitAsync(cancellationToken);
        }
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken);
        Interlocked.Increment(ref _reads);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}

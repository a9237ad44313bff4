using System.IO.Pipelines;
using System.Net.Sockets;

namespace RingStore.Node.Messaging;

/// <summary>
/// One connected socket with its pipes and the Hello exchange. Disposing closes the socket, which also
/// unblocks any pending read or write on it.
/// </summary>
internal sealed class SocketSession : IAsyncDisposable
{
    // Large buffers: a flush of up to this many bytes becomes a single send() on the socket.
    private const int PipeBufferBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private int _disposed;

    public SocketSession(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true; // latency matters more than packet count; we coalesce ourselves.
        _stream = new NetworkStream(socket, ownsSocket: true);
        Reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: PipeBufferBytes, minimumReadSize: 4096, leaveOpen: true));
        Writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: PipeBufferBytes, leaveOpen: true));
        Remote = socket.RemoteEndPoint?.ToString() ?? "?";
    }

    public PipeReader Reader { get; }

    public PipeWriter Writer { get; }

    public string Remote { get; }

    /// <summary>Returns a refusal reason, or null when the peer's Hello is acceptable.</summary>
    public static string? Validate(Hello theirs, MessagingOptions ours)
    {
        if (theirs.ProtocolVersion != ours.ProtocolVersion)
        {
            return $"protocol version {theirs.ProtocolVersion} is not supported (this node speaks {ours.ProtocolVersion})";
        }

        if (!string.Equals(theirs.ClusterName, ours.ClusterName, StringComparison.Ordinal))
        {
            return $"cluster name '{theirs.ClusterName}' differs from ours '{ours.ClusterName}'";
        }

        return null;
    }

    public Task SendHelloAsync(Hello hello, CancellationToken cancellationToken) =>
        FrameIo.WriteRawFrameAsync(Writer, FrameCodec.EncodeHello(hello), cancellationToken);

    public async Task<Hello> ReceiveHelloAsync(MessagingOptions options, CancellationToken cancellationToken)
    {
        var body = await FrameIo.ReadOneFrameAsync(Reader, options.MaxFrameBytes, cancellationToken).ConfigureAwait(false);
        return FrameCodec.DecodeHello(new System.Buffers.ReadOnlySequence<byte>(body), options.ProtocolVersion);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: nothing left to shut down.
        }
        catch (ObjectDisposedException)
        {
        }

        // Completing the writer may try to flush into a dead socket; the connection is going away regardless.
#pragma warning disable CA1031
        try
        {
            await Reader.CompleteAsync().ConfigureAwait(false);
            await Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
        }
#pragma warning restore CA1031

        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}

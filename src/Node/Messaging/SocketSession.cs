using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace RingStore.Node.Messaging;

/// <summary>
/// One connected socket with its pipes and the Hello exchange. Disposing closes the socket, which also
/// unblocks any pending read or write on it. With internode TLS, <see cref="SecureAsync"/> runs the TLS handshake
/// first and the frames travel inside the <see cref="SslStream"/>; framing is the same either way.
/// </summary>
internal sealed class SocketSession : IAsyncDisposable
{
    // Large buffers: a flush of up to this many bytes becomes a single send() on the socket.
    private const int PipeBufferBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private Stream _transport;
    private SslStream? _tls;
    private PipeReader? _reader;
    private PipeWriter? _writer;
    private int _disposed;

    public SocketSession(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true; // latency matters more than packet count; we coalesce ourselves.
        _stream = new NetworkStream(socket, ownsSocket: true);
        _transport = _stream;
        Remote = socket.RemoteEndPoint?.ToString() ?? "?";
    }

    // Created on first use, so that after SecureAsync they read and write the TLS stream.
    public PipeReader Reader => _reader ??= PipeReader.Create(_transport, new StreamPipeReaderOptions(bufferSize: PipeBufferBytes, minimumReadSize: 4096, leaveOpen: true));

    public PipeWriter Writer => _writer ??= PipeWriter.Create(_transport, new StreamPipeWriterOptions(minimumBufferSize: PipeBufferBytes, leaveOpen: true));

    /// <summary>
    /// The TLS handshake, before any frame. Throws <see cref="TlsRefusedException"/> saying whether we refused the
    /// peer's certificate (and why) or the handshake failed otherwise (the peer refused ours, or speaks plain TCP).
    /// </summary>
    public async Task SecureAsync(InternodeTls tls, bool asServer, string targetHost, CancellationToken cancellationToken)
    {
        string? refusal = null;
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: true);
        _tls = ssl;
        try
        {
            if (asServer)
            {
                await ssl.AuthenticateAsServerAsync(tls.ServerOptions(r => refusal = r), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ssl.AuthenticateAsClientAsync(tls.ClientOptions(targetHost, r => refusal = r), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            throw new TlsRefusedException(refusal is not null
                ? $"refused the peer's TLS certificate: {refusal}"
                : $"TLS handshake failed ({ex.GetBaseException().Message}); the peer may have refused our certificate or does not speak TLS (see its log)", ex);
        }

        _transport = ssl;
    }

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
            if (_reader is not null) await _reader.CompleteAsync().ConfigureAwait(false);
            if (_writer is not null) await _writer.CompleteAsync().ConfigureAwait(false);
            if (_tls is not null) await _tls.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
        }
#pragma warning restore CA1031

        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}

using System.Collections.Concurrent;
using System.Net.Sockets;

namespace RingStore.Bench.Native;

/// <summary>
/// One CQL native-protocol connection of the load generator: requests by stream id, many in flight, replies matched
/// to their stream as they arrive (in any order). Frames waiting to go out are coalesced into one socket send, as a
/// driver does; replies are parsed on the reader and the waiting request completes there (no thread hop).
/// </summary>
public sealed class NativeBenchConnection : IAsyncDisposable
{
    public const int MaxStreams = 32768;
    private const int MaxBodyBytes = 256 * 1024 * 1024; // the protocol's frame limit; the server never sends one this big here

    private readonly Socket _socket;
    private readonly TaskCompletionSource<NativeBenchReply>?[] _pending = new TaskCompletionSource<NativeBenchReply>?[MaxStreams];
    private readonly ConcurrentQueue<byte[]> _outbox = new();
    private readonly CancellationTokenSource _closed = new();
    private byte[] _sendBuffer = new byte[64 * 1024];
    private int _flushing;
    private volatile Exception? _failure;
    private Task _reader = Task.CompletedTask;

    /// <summary>
    /// Set while the reader completes the replies of one receive: the loops those replies wake send their next request
    /// on the reader's thread, and those frames wait to go out together after the batch (one send, not one per reply).
    /// </summary>
    [ThreadStatic]
    private static NativeBenchConnection? t_completingReplies;

    private NativeBenchConnection(Socket socket) => _socket = socket;

    public string Endpoint { get; private init; } = "";

    /// <summary>Connects and completes STARTUP (no compression: loopback, and LZ4 would cost both sides CPU).</summary>
    public static async Task<NativeBenchConnection> OpenAsync(string endpoint, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        int colon = endpoint.LastIndexOf(':');
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint[..colon], int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var connection = new NativeBenchConnection(socket) { Endpoint = endpoint };
        connection._reader = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
        var ready = await connection.SendAsync(NativeBenchFrames.Startup(0), 0).ConfigureAwait(false);
        if (ready.Opcode != NativeBenchFrames.OpReady) throw new NativeRequestException(ready.ErrorCode, ready.Message ?? "STARTUP was not answered with READY");
        return connection;
    }

    /// <summary>PREPAREs a statement and returns its id.</summary>
    public async Task<byte[]> PrepareAsync(string cql)
    {
        var reply = await SendAsync(NativeBenchFrames.Prepare(0, cql), 0).ConfigureAwait(false);
        return reply.PreparedId ?? throw new NativeRequestException(reply.ErrorCode, reply.Message ?? $"PREPARE of '{cql}' returned no id");
    }

    /// <summary>
    /// Sends <paramref name="frame"/> (whose stream id must be <paramref name="stream"/>, with no other request on that
    /// stream in flight) and completes with its reply. The frame must not change until the reply arrives.
    /// An ERROR reply throws <see cref="NativeRequestException"/>.
    /// </summary>
    public Task<NativeBenchReply> SendAsync(byte[] frame, short stream)
    {
        var tcs = new TaskCompletionSource<NativeBenchReply>();
        if (Interlocked.CompareExchange(ref _pending[stream], tcs, null) is not null)
            throw new InvalidOperationException($"stream {stream} already has a request in flight");
        if (_failure is { } failed)
        {
            Interlocked.Exchange(ref _pending[stream], null);
            return Task.FromException<NativeBenchReply>(new NativeRequestException(-1, "connection failed: " + failed.Message));
        }
        _outbox.Enqueue(frame);
        if (t_completingReplies != this) StartFlush();
        return tcs.Task;
    }

    private void StartFlush()
    {
        if (Interlocked.Exchange(ref _flushing, 1) == 0) _ = FlushAsync();
    }

    private async Task FlushAsync()
    {
        try
        {
            while (true)
            {
                int used = 0;
                while (_outbox.TryDequeue(out var frame))
                {
                    if (used + frame.Length > _sendBuffer.Length) Array.Resize(ref _sendBuffer, Math.Max(_sendBuffer.Length * 2, used + frame.Length));
                    frame.CopyTo(_sendBuffer, used);
                    used += frame.Length;
                }
                if (used > 0)
                {
                    int sent = 0;
                    while (sent < used) sent += await _socket.SendAsync(_sendBuffer.AsMemory(sent, used - sent), SocketFlags.None).ConfigureAwait(false);
                }
                Volatile.Write(ref _flushing, 0);
                // A frame enqueued after the drain but before the flag cleared would wait for the next request: take it now.
                if (_outbox.IsEmpty || Interlocked.Exchange(ref _flushing, 1) != 0) return;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Fail(e);
        }
    }

    private async Task ReadLoopAsync()
    {
        byte[] buffer = new byte[256 * 1024];
        int start = 0, end = 0;
        try
        {
            while (true)
            {
                t_completingReplies = this;
                while (end - start >= NativeBenchFrames.HeaderLength)
                {
                    var (flags, stream, opcode, length) = NativeBenchFrames.ParseHeader(buffer.AsSpan(start, NativeBenchFrames.HeaderLength));
                    if (length > MaxBodyBytes) throw new InvalidDataException($"response body of {length} bytes");
                    int total = NativeBenchFrames.HeaderLength + length;
                    if (end - start < total)
                    {
                        if (total > buffer.Length) Array.Resize(ref buffer, total);
                        break;
                    }
                    if (stream >= 0)
                    {
                        var reply = NativeBenchFrames.ParseBody(flags, opcode, buffer.AsSpan(start + NativeBenchFrames.HeaderLength, length));
                        var tcs = Interlocked.Exchange(ref _pending[stream], null);
                        if (reply.Opcode == NativeBenchFrames.OpError) tcs?.TrySetException(new NativeRequestException(reply.ErrorCode, reply.Message ?? ""));
                        else tcs?.TrySetResult(reply);
                    }
                    start += total; // stream -1: an EVENT, which this client never REGISTERs for
                }
                t_completingReplies = null;
                if (!_outbox.IsEmpty) StartFlush();
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                int read = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, _closed.Token).ConfigureAwait(false);
                if (read == 0) throw new SocketException((int)SocketError.ConnectionReset);
                end += read;
            }
        }
        catch (Exception e)
        {
            t_completingReplies = null;
            Fail(e);
        }
    }

    private void Fail(Exception e)
    {
        _failure ??= e;
        for (int i = 0; i < _pending.Length; i++)
            Interlocked.Exchange(ref _pending[i], null)?.TrySetException(new NativeRequestException(-1, "connection failed: " + e.Message));
    }

    public async ValueTask DisposeAsync()
    {
        _failure ??= new ObjectDisposedException(nameof(NativeBenchConnection));
        await _closed.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try { await _reader.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        _closed.Dispose();
    }
}

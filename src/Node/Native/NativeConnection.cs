using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;

namespace RingStore.Node.Native;

/// <summary>
/// One client connection: reads frames from a pipe, answers OPTIONS/STARTUP/REGISTER in order and runs
/// QUERY/PREPARE/EXECUTE/BATCH concurrently, each answered on its stream id as it finishes (out of order). Replies go
/// out through <see cref="NativeReplyWriter"/>: written on the thread that finished them when no send is running, else
/// together with the others waiting in the next send; replies finished while one receive's frames are dispatched leave
/// together after it. A frame is never buffered whole before its
/// declared length is checked against <see cref="MaxFrameBodyBytes"/>, and the requests in flight are bounded in
/// number and bytes (reading pauses, TCP pushes back), so no client makes the node allocate without bound.
/// </summary>
public sealed class NativeConnection : IAsyncDisposable
{
    /// <summary>Largest frame body accepted: the gRPC request limit (the protocol allows 256 MiB; Cassandra's default is 16).</summary>
    public const int MaxFrameBodyBytes = Program.MaxRequestBytes;

    /// <summary>In-flight budget units: one per request plus one per 256 KiB of body (at most 1024 requests or ~256 MiB).</summary>
    private const int BudgetUnits = 1024;
    private const int BytesPerUnit = 256 * 1024;

    /// <summary>How long a closing connection waits for its running requests' replies.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private readonly Stream _stream;
    private readonly NativeRequestProcessor? _processor;
    private readonly Func<NativeFrameHeader, byte[], CancellationToken, Task<byte[]>> _statements;
    private readonly ILogger _logger;
    private readonly NativeReplyWriter _replies;
    private readonly SemaphoreSlim _budget = new(BudgetUnits, BudgetUnits);
    private readonly CancellationTokenSource _closed = new();
    private bool _started;
    private bool _startupSeen;
    private bool _lz4;
    private int _closing;

    public NativeConnection(Stream stream, NativeRequestProcessor processor, ILogger logger)
        : this(stream, processor, (processor ?? throw new ArgumentNullException(nameof(processor))).ProcessAsync, logger)
    {
    }

    /// <summary>For tests: statement requests (QUERY/PREPARE/EXECUTE/BATCH) answered by <paramref name="statements"/>; no authentication.</summary>
    internal NativeConnection(Stream stream, Func<NativeFrameHeader, byte[], CancellationToken, Task<byte[]>> statements, ILogger logger)
        : this(stream, null, statements, logger)
    {
    }

    private NativeConnection(Stream stream, NativeRequestProcessor? processor, Func<NativeFrameHeader, byte[], CancellationToken, Task<byte[]>> statements, ILogger logger)
    {
        _stream = stream;
        _processor = processor;
        _statements = statements;
        _logger = logger;
        _replies = new NativeReplyWriter(stream, ReleaseBudget, OnBroken);
    }

    /// <summary>The event types this connection registered for (TOPOLOGY_CHANGE, STATUS_CHANGE, SCHEMA_CHANGE).</summary>
    public IReadOnlySet<string> Registered { get; private set; } = new HashSet<string>();

    /// <summary>Reads until the client closes, the stream breaks or a fatal protocol error; then drains the replies.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _closed.Token);
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        try
        {
            await ReadLoopAsync(reader, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Client gone or node stopping: nothing to answer.
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            // Wait for requests still running, so their replies (or the fatal error) leave before the socket closes.
            var deadline = DateTime.UtcNow + DrainTimeout;
            for (int i = 0; i < BudgetUnits; i++)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await _budget.WaitAsync(left).ConfigureAwait(false)) break;
            }
            await _replies.CompleteAsync(DrainTimeout).ConfigureAwait(false);
        }
    }

    /// <summary>Pushes an EVENT frame (stream -1) if the connection registered for its type.</summary>
    public void Push(string eventType, byte[] frame)
    {
        if (Registered.Contains(eventType)) Send(frame, 0);
    }

    public void Close() => _closed.Cancel();

    public async ValueTask DisposeAsync()
    {
        _closed.Cancel();
        await _stream.DisposeAsync().ConfigureAwait(false);
        _closed.Dispose();
        _budget.Dispose();
    }

    private async Task ReadLoopAsync(PipeReader reader, CancellationToken ct)
    {
        byte[] headerBytes = new byte[NativeFrameHeader.Size];
        while (Volatile.Read(ref _closing) == 0)
        {
            var result = await reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            // Replies finished while this receive's frames are dispatched (answered at once, or fast) leave in one send after it.
            _replies.Cork();
            try
            {
                buffer = await DispatchFramesAsync(buffer, headerBytes, ct).ConfigureAwait(false);
            }
            finally
            {
                _replies.Uncork();
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) break;
        }
    }

    /// <summary>Dispatches the whole frames at the start of <paramref name="buffer"/>; returns what is left (a partial frame).</summary>
    private async Task<ReadOnlySequence<byte>> DispatchFramesAsync(ReadOnlySequence<byte> buffer, byte[] headerBytes, CancellationToken ct)
    {
        while (Volatile.Read(ref _closing) == 0)
        {
            if (buffer.Length >= 1 && (buffer.FirstSpan[0] & 0x7F) != NativeFrameHeader.SupportedVersion)
            {
                RefuseVersion(buffer);
                break;
            }
            if (buffer.Length < NativeFrameHeader.Size) break;
            buffer.Slice(0, NativeFrameHeader.Size).CopyTo(headerBytes);
            var header = NativeFrameHeader.Read(headerBytes);
            if (header.IsResponse || header.Length < 0 || header.Length > MaxFrameBodyBytes)
            {
                Fatal(header.Stream, header.IsResponse
                    ? "A client sent a response frame"
                    : $"Frame body length {header.Length} is outside 0..{MaxFrameBodyBytes}");
                break;
            }
            if (buffer.Length < NativeFrameHeader.Size + (long)header.Length) break;
            byte[] body = buffer.Slice(NativeFrameHeader.Size, header.Length).ToArray();
            buffer = buffer.Slice(NativeFrameHeader.Size + (long)header.Length);
            var dispatch = DispatchAsync(header, body, ct);
            if (dispatch.IsCompleted)
            {
                await dispatch.ConfigureAwait(false); // rethrows its failure, if any
                continue;
            }
            // Waiting (for budget, which only sent replies give back, or for a login): the held replies go first.
            _replies.Uncork();
            try
            {
                await dispatch.ConfigureAwait(false);
            }
            finally
            {
                _replies.Cork();
            }
        }
        return buffer;
    }

    private async Task DispatchAsync(NativeFrameHeader header, byte[] body, CancellationToken ct)
    {
        int units = 1 + body.Length / BytesPerUnit;
        for (int i = 0; i < units; i++) await _budget.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if ((header.Flags & NativeFrameHeader.CompressionFlag) != 0)
            {
                if (!_lz4) throw new NativeProtocolException("Compressed frame without negotiated compression", closeConnection: true);
                body = NativeLz4.Decompress(body, MaxFrameBodyBytes);
            }
            if ((header.Flags & NativeFrameHeader.CustomPayloadFlag) != 0) body = NativeRequestDecoder.SkipCustomPayload(body);
            byte[] reply;
            switch (header.Opcode)
            {
                case NativeOpcode.Options:
                    NativeRequestDecoder.Decode(header.Opcode, body);
                    reply = NativeFrame.Response(header.Stream, NativeOpcode.Supported, NativeRequestProcessor.Supported);
                    break;
                case NativeOpcode.Startup:
                {
                    var startup = (StartupRequest)NativeRequestDecoder.Decode(header.Opcode, body);
                    bool lz4 = NativeRequestProcessor.Compression(startup);
                    // READY leaves uncompressed (queued before compression is on); every frame after it is compressed.
                    // With the password authenticator, AUTHENTICATE instead: requests wait for AUTH_SUCCESS (NativeLogin).
                    Send(_processor?.Auth is null ? NativeFrame.Response(header.Stream, NativeOpcode.Ready, _ => { }) : NativeLogin.Authenticate(header.Stream), units);
                    units = 0;
                    _lz4 = lz4;
                    _started = _processor?.Auth is null;
                    _startupSeen = true;
                    return;
                }
                case NativeOpcode.AuthResponse when _startupSeen && !_started && _processor?.Auth is { } auth:
                {
                    var response = (AuthResponseRequest)NativeRequestDecoder.Decode(header.Opcode, body);
                    (reply, _processor.User) = await NativeLogin.LoginAsync(auth, header.Stream, response, NativeLogin.Source(_stream), ct).ConfigureAwait(false);
                    _started = _processor.User is not null;
                    break;
                }
                case NativeOpcode.Register when _started:
                {
                    var register = (RegisterRequest)NativeRequestDecoder.Decode(header.Opcode, body);
                    Registered = NativeRequestProcessor.EventTypes(register);
                    reply = NativeFrame.Response(header.Stream, NativeOpcode.Ready, _ => { });
                    break;
                }
                case NativeOpcode.Query or NativeOpcode.Prepare or NativeOpcode.Execute or NativeOpcode.Batch when _started:
                    _ = ProcessAsync(header, body, units, ct);
                    units = 0; // released once ProcessAsync's reply is written
                    return;
                default:
                    throw new NativeProtocolException(_started
                        ? $"Unexpected message {header.Opcode} from a client"
                        : $"Unexpected message {header.Opcode}, expecting STARTUP or OPTIONS");
            }
            Send(reply, units);
            units = 0;
        }
        catch (NativeProtocolException e)
        {
            Reply(header.Stream, e, units);
            units = 0;
        }
        finally
        {
            if (units > 0) _budget.Release(units);
        }
    }

    private async Task ProcessAsync(NativeFrameHeader header, byte[] body, int units, CancellationToken ct)
    {
        byte[] frame;
        try
        {
            frame = await _statements(header, body, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _budget.Release(units);
            return;
        }
        catch (NativeProtocolException e)
        {
            Reply(header.Stream, e, units);
            return;
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Native protocol request {Opcode} failed unexpectedly", header.Opcode);
            frame = NativeFrame.Error(header.Stream, e);
        }
        Send(frame, units);
    }

    private void Reply(short stream, NativeProtocolException error, int units)
    {
        Send(NativeFrame.Error(stream, error), units);
        if (error.CloseConnection) Interlocked.Exchange(ref _closing, 1);
    }

    /// <summary>Anything but v4: the error drivers read as "downgrade and retry" (v5, v6, DSE), then close.</summary>
    private void RefuseVersion(ReadOnlySequence<byte> buffer)
    {
        byte version = (byte)(buffer.FirstSpan[0] & 0x7F);
        short stream = 0;
        if (buffer.Length >= 4)
        {
            Span<byte> head = stackalloc byte[4];
            buffer.Slice(0, 4).CopyTo(head);
            stream = (short)((head[2] << 8) | head[3]);
        }
        Fatal(stream, $"Invalid or unsupported protocol version ({version}); supported versions are (4/v4)");
    }

    private void Fatal(short stream, string message) => Reply(stream, new NativeProtocolException(message, closeConnection: true), 0);

    private void Send(byte[] frame, int units)
    {
        if (_lz4 && frame.Length > NativeFrameHeader.Size) frame = NativeLz4.CompressFrame(frame);
        _replies.Enqueue(frame, units);
    }

    private void ReleaseBudget(int units)
    {
        try
        {
            _budget.Release(units);
        }
        catch (ObjectDisposedException)
        {
            // A reply finished after the connection was closed and disposed (past the drain timeout): nothing to free.
        }
    }

    /// <summary>A send failed, the client is gone: stop reading (the replies still running are dropped as they finish).</summary>
    private void OnBroken()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: the connection is over anyway.
        }
    }
}

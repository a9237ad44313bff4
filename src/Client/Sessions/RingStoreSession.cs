using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using RingStore.Client.Protos;

namespace RingStore.Client.Sessions;

/// <summary>
/// Mutate, Read and Execute calls to one node multiplexed over one Session stream, the way the CQL native protocol multiplexes
/// stream ids over a connection: each call gets an id, the node answers in completion order, and calls queued while
/// a message is being sent go together in the next one. A unary gRPC call opens an HTTP/2 stream with headers and
/// trailers on both ends; here a call costs its own bytes in a shared DATA frame.
/// <para>
/// A request object must not be changed until its call completes (it is serialized by the session's writer, later).
/// When the stream fails, every pending call fails with the stream's error (a transport failure, as a unary call's
/// would be) and the session stays failed: open a new one. Deadlines are checked every
/// <see cref="DeadlineCheckInterval"/>, so a call times out up to that much late.
/// </para>
/// </summary>
public sealed class RingStoreSession : IAsyncDisposable
{
    public static readonly TimeSpan DeadlineCheckInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Largest call a session carries (4 MiB). A message over the node's receive limit would end the whole stream and
    /// fail every call on it, so a larger call fails alone with <see cref="StatusCode.ResourceExhausted"/> before it is
    /// queued (nothing was sent: the node never answers a call with that status); the SDK then sends it as a unary call.
    /// </summary>
    public const int MaxCallBytes = 4 << 20;

    /// <summary>A message stops taking calls past this many bytes (a single larger call still goes, alone).</summary>
    private const int MaxBatchBytes = 1 << 20;

    private readonly AsyncDuplexStreamingCall<SessionRequest, SessionResponse> _call;
    /// <summary>Calls waiting for the writer, with their encoded size (measured once, when the call is made).</summary>
    private readonly Channel<(SessionCall Call, int Bytes)> _outgoing =
        Channel.CreateUnbounded<(SessionCall, int)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<ulong, PendingCall> _pending = new();
    private readonly TimeProvider _time;
    private readonly ITimer _deadlines;
    private readonly Task _writer;
    private readonly Task _reader;
    private RpcException? _failure;
    private long _nextId;

    private RingStoreSession(RingStoreApi.RingStoreApiClient api, TimeProvider time)
    {
        _time = time;
        _call = api.Session();
        _writer = Task.Run(WriteLoopAsync);
        _reader = Task.Run(ReadLoopAsync);
        _deadlines = time.CreateTimer(_ => ExpireDeadlines(), null, DeadlineCheckInterval, DeadlineCheckInterval);
    }

    /// <summary>Opens a session on a node's channel. Connection errors show up as the first calls' failures.</summary>
    public static RingStoreSession Open(RingStoreApi.RingStoreApiClient api) => Open(api, TimeProvider.System);

    /// <summary>
    /// As <see cref="Open(RingStoreApi.RingStoreApiClient)"/>, with the clock deadlines are measured on (the client's
    /// <see cref="RingStoreClientOptions.TimeProvider"/>; deadlines passed to calls are times on that clock).
    /// </summary>
    public static RingStoreSession Open(RingStoreApi.RingStoreApiClient api, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(time);
        return new RingStoreSession(api, time);
    }

    /// <summary>The session's stream has failed or been closed; every further call fails at once.</summary>
    public bool IsFailed => Volatile.Read(ref _failure) is not null;

    /// <summary>Calls sent and not yet answered.</summary>
    public int Pending => _pending.Count;

    public async Task<MutateResponse> MutateAsync(MutateRequest request, DateTime deadline, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = await CallAsync(new SessionCall { Mutate = request }, deadline, ct).ConfigureAwait(false);
        return reply.Mutate ?? throw Unexpected(reply);
    }

    public async Task<ReadResponse> ReadAsync(ReadRequest request, DateTime deadline, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = await CallAsync(new SessionCall { Read = request }, deadline, ct).ConfigureAwait(false);
        return reply.Read ?? throw Unexpected(reply);
    }

    /// <summary>A CQL statement (one-off or prepared), as the unary Execute call would run it.</summary>
    public async Task<ExecuteResponse> ExecuteAsync(ExecuteRequest request, DateTime deadline, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = await CallAsync(new SessionCall { Execute = request }, deadline, ct).ConfigureAwait(false);
        return reply.Execute ?? throw Unexpected(reply);
    }

    private async Task<SessionReply> CallAsync(SessionCall call, DateTime deadline, CancellationToken ct)
    {
        if (Volatile.Read(ref _failure) is { } failed) throw failed;
        ct.ThrowIfCancellationRequested();
        // The node's timer takes at most int.MaxValue ms (24.8 days): a deadline further away is no deadline (0).
        double remaining = deadline == DateTime.MaxValue ? double.PositiveInfinity : (deadline.ToUniversalTime() - _time.GetUtcNow().UtcDateTime).TotalMilliseconds;
        call.TimeoutMillis = remaining >= int.MaxValue ? 0 : (uint)Math.Max(1, Math.Ceiling(remaining));
        int size = call.CalculateSize();
        if (size > MaxCallBytes)
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"A {size:N0}-byte request is over a session's {MaxCallBytes:N0}-byte limit; send it as a unary call."));
        call.Id = (ulong)Interlocked.Increment(ref _nextId);
        var pending = new PendingCall(deadline.ToUniversalTime().Ticks);
        _pending[call.Id] = pending;
        if (!_outgoing.Writer.TryWrite((call, size)) || Volatile.Read(ref _failure) is not null)
        {
            // Failed between the check and the queueing: the failure sweep may have missed this call.
            _pending.TryRemove(call.Id, out _);
            throw Volatile.Read(ref _failure)!;
        }
        SessionReply reply;
        if (ct.CanBeCanceled)
        {
            ulong id = call.Id;
            await using var registration = ct.Register(() =>
            {
                if (_pending.TryRemove(id, out var p)) p.Completion.TrySetException(new RpcException(new Status(StatusCode.Cancelled, "Call cancelled by the caller.")));
            }).ConfigureAwait(false);
            reply = await pending.Completion.Task.ConfigureAwait(false);
        }
        else
        {
            reply = await pending.Completion.Task.ConfigureAwait(false);
        }
        if (reply.Error is { } error) throw ToRpcException(error);
        return reply;
    }

    private async Task WriteLoopAsync()
    {
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var message = new SessionRequest();
                int bytes = 0;
                while (bytes < MaxBatchBytes && reader.TryRead(out var queued))
                {
                    message.Calls.Add(queued.Call);
                    bytes += queued.Bytes;
                }
                await _call.RequestStream.WriteAsync(message).ConfigureAwait(false);
            }
            await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // any send failure (refused or reset connection) ends the session
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(TransportFailure("send", e));
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            var responses = _call.ResponseStream;
            while (await responses.MoveNext(CancellationToken.None).ConfigureAwait(false))
            {
                foreach (var reply in responses.Current.Replies)
                {
                    if (_pending.TryRemove(reply.Id, out var pending)) pending.Completion.TrySetResult(reply);
                }
            }
            Fail(new RpcException(new Status(StatusCode.Unavailable, "The node ended the session.")));
        }
#pragma warning disable CA1031 // any receive failure ends the session
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(TransportFailure("receive", e));
        }
    }

    private void ExpireDeadlines()
    {
        long now = _time.GetUtcNow().UtcDateTime.Ticks;
        foreach (var (id, pending) in _pending)
        {
            if (pending.DeadlineTicks <= now && _pending.TryRemove(id, out _))
                pending.Completion.TrySetException(new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline exceeded (session call).")));
        }
    }

    /// <summary>First failure wins; every call pending now or later fails with it.</summary>
    private void Fail(RpcException failure)
    {
        Interlocked.CompareExchange(ref _failure, failure, null);
        _outgoing.Writer.TryComplete();
        var error = Volatile.Read(ref _failure)!;
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending)) pending.Completion.TrySetException(error);
        }
    }

    /// <summary>
    /// A broken stream is a transport failure whatever status gRPC gave it (Internal, Cancelled on a reset, ...):
    /// Unavailable without an error kind, as a unary call to a node that is down fails, so drivers retry the same way.
    /// </summary>
    private static RpcException TransportFailure(string direction, Exception e)
    {
        string detail = e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : $"{e.GetType().Name}: {e.Message}";
        return new RpcException(new Status(StatusCode.Unavailable, $"Session {direction} failed ({detail})", e));
    }

    private static RpcException ToRpcException(SessionError error)
    {
        var trailers = new Metadata();
        foreach (var (key, value) in error.Trailers) trailers.Add(key, value);
        return new RpcException(new Status((StatusCode)error.StatusCode, error.Detail), trailers);
    }

    private static RpcException Unexpected(SessionReply reply) =>
        new(new Status(StatusCode.Internal, $"The node answered a session call with {reply.ResultCase}."));

    public async ValueTask DisposeAsync()
    {
        Fail(new RpcException(new Status(StatusCode.Cancelled, "The session was closed.")));
        await _deadlines.DisposeAsync().ConfigureAwait(false);
        await _writer.ConfigureAwait(false);
        _call.Dispose(); // ends the reading with Cancelled, which Fail ignores (first failure wins)
        await _reader.ConfigureAwait(false);
    }

    private sealed class PendingCall(long deadlineTicks)
    {
        public long DeadlineTicks { get; } = deadlineTicks;

        public TaskCompletionSource<SessionReply> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

using System.Threading.Channels;
using Grpc.Core;
using RingStore.Client.Protos;
using RingStore.Core.Errors;

namespace RingStore.Node.Api;

/// <summary>
/// One client session (the Session RPC): reads batches of calls, runs each call concurrently as the unary Mutate,
/// Read and Execute calls would, and writes the replies as they complete, coalescing the ones that are ready into one message.
/// A session admits at most <see cref="MaxCallsInFlight"/> calls at a time; beyond that it stops reading the stream,
/// so a client that sends faster than the node answers is slowed by HTTP/2 flow control instead of queueing work here.
/// </summary>
internal sealed class ApiSession(RingStoreApiService api)
{
    public const int MaxCallsInFlight = 1024;

    /// <summary>A reply message stops growing past this; a single larger reply still goes, alone.</summary>
    private const int MaxReplyBatchBytes = 1 << 20;

    private readonly Channel<SessionReply> _replies = Channel.CreateUnbounded<SessionReply>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _slots = new(MaxCallsInFlight, MaxCallsInFlight);

    public async Task RunAsync(IAsyncStreamReader<SessionRequest> requests, IServerStreamWriter<SessionResponse> responses, CancellationToken ct)
    {
        // A failed reply stream (the client went away) stops the reading too.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ct = stop.Token;
        var writer = WriteRepliesAsync(responses, stop);
        Exception? failure = null;
        try
        {
            while (await requests.MoveNext(ct).ConfigureAwait(false))
            {
                foreach (var call in requests.Current.Calls)
                {
                    await _slots.WaitAsync(ct).ConfigureAwait(false);
                    _ = RunCallAsync(call, ct);
                }
            }
            // The client closed its side: answer what it sent before ending the call (all slots free = all replied).
            for (int i = 0; i < MaxCallsInFlight; i++) await _slots.WaitAsync(ct).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // rethrown below, once the writer has stopped
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = e;
        }
        // Calls still running after a failure find the channel completed and drop their replies: no one is listening.
        _replies.Writer.TryComplete();
        try
        {
            await writer.ConfigureAwait(false);
        }
        catch (Exception) when (failure is not null)
        {
            // the reading failure is the one to report
        }
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    private async Task RunCallAsync(SessionCall call, CancellationToken session)
    {
        var reply = new SessionReply { Id = call.Id };
        // The call's own deadline, as a unary call's: past it the client has given up, so the node stops the work
        // (coordinator and the replica requests it would still send) instead of finishing it for no one.
        // A value past the timer's range (int.MaxValue ms) is no deadline, never an exception: this method must always
        // post a reply and free its slot, or the client's call would wait forever.
        using var deadline = call.TimeoutMillis is > 0 and <= int.MaxValue
            ? new CancellationTokenSource(TimeSpan.FromMilliseconds(call.TimeoutMillis), api.Clock) : null;
        // The session's end cancels the call too: a registration on the long-lived session token (whose registration
        // nodes are reused) instead of a linked source per call. Disposed before the deadline source (declared after it).
        using var sessionEnds = deadline is null ? default
            : session.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), deadline);
        CancellationToken ct = deadline?.Token ?? session;
        // The same deadline travels to the replicas in the requests this call sends (see Messaging.ClientDeadline).
        using var budget = Messaging.ClientDeadline.Begin(api.Clock,
            deadline is null ? null : TimeSpan.FromMilliseconds(call.TimeoutMillis));
        try
        {
            switch (call.RequestCase)
            {
                case SessionCall.RequestOneofCase.Mutate:
                    reply.Mutate = await api.MutateAsync(call.Mutate, ct).ConfigureAwait(false);
                    break;
                case SessionCall.RequestOneofCase.Read:
                    reply.Read = await api.ReadAsync(call.Read, ct).ConfigureAwait(false);
                    break;
                case SessionCall.RequestOneofCase.Execute:
                    reply.Execute = await api.ExecuteAsync(call.Execute, ct).ConfigureAwait(false);
                    break;
                default:
                    throw new InvalidRequestException("A session call needs a mutate, read or execute request.");
            }
        }
#pragma warning disable CA1031 // every failure reaches the client as its call's error, never as a dropped reply
        catch (Exception e)
#pragma warning restore CA1031
        {
            reply.Error = ToSessionError(e as RpcException ?? ErrorMapping.ToRpcException(e));
        }
        // Post the reply before freeing the slot, so that "all slots free" means "all replies queued".
        _replies.Writer.TryWrite(reply);
        _slots.Release();
    }

    private async Task WriteRepliesAsync(IServerStreamWriter<SessionResponse> responses, CancellationTokenSource stop)
    {
        try
        {
            await WriteRepliesAsync(responses, stop.Token).ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task WriteRepliesAsync(IServerStreamWriter<SessionResponse> responses, CancellationToken ct)
    {
        var reader = _replies.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var message = new SessionResponse();
            int bytes = 0;
            while (bytes < MaxReplyBatchBytes && reader.TryRead(out var reply))
            {
                message.Replies.Add(reply);
                bytes += reply.ResultCase is SessionReply.ResultOneofCase.Mutate or SessionReply.ResultOneofCase.Error ? 16 : reply.CalculateSize();
            }
            if (ct.IsCancellationRequested) continue; // the client is gone: drain, send nothing
            await responses.WriteAsync(message, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The status, detail and trailers a unary call would have ended with.</summary>
    internal static SessionError ToSessionError(RpcException e)
    {
        var error = new SessionError { StatusCode = (int)e.StatusCode, Detail = e.Status.Detail };
        foreach (var entry in e.Trailers) if (!entry.IsBinary) error.Trailers[entry.Key] = entry.Value;
        return error;
    }
}

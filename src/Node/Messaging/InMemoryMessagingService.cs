using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RingStore.Node.Messaging;

/// <summary>
/// One node's endpoint on an <see cref="InMemoryNetwork"/>. Same contract as <see cref="MessagingService"/>
/// (request ids, per-verb timeouts, failure responses), with every message passing through the network's queue.
/// Request continuations run inline during delivery so a simulation step is deterministic.
/// </summary>
public sealed class InMemoryMessagingService : IMessagingService
{
    private readonly InMemoryNetwork _network;
    private readonly VerbDispatcher _dispatcher;
    private readonly ConcurrentDictionary<long, PendingRequest> _pending = new();
    private readonly Action<long> _removePending;
    private long _nextRequestId;

    internal InMemoryMessagingService(InMemoryNetwork network, PeerAddress address, ILogger logger)
    {
        _network = network;
        LocalAddress = address;
        _dispatcher = new VerbDispatcher(logger, time: network.Time, counters: Counters);
        _removePending = id => _pending.TryRemove(id, out _);
    }

    public PeerAddress LocalAddress { get; }

    /// <summary>Only the expired-request drops are counted here (there are no frames or connections).</summary>
    public MessagingCounters Counters { get; } = new();

    /// <summary>Requests still waiting for a response, timeout or cancellation.</summary>
    public int PendingRequests => _pending.Count;

    public void RegisterHandler(Verb verb, IVerbHandler handler) => _dispatcher.Register(verb, handler);

    public void SendOneWay(PeerAddress peer, Verb verb, ReadOnlyMemory<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(peer);
        _network.Send(LocalAddress, peer, new Envelope(verb, Interlocked.Increment(ref _nextRequestId), MessageFlags.OneWay, payload));
    }

    public Task<Response> SendRequestAsync(PeerAddress peer, Verb verb, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        SendRequestAsync(peer, verb, payload, _network.Options.TimeoutFor(verb), cancellationToken);

    public Task<Response> SendRequestAsync(PeerAddress peer, Verb verb, ReadOnlyMemory<byte> payload, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<Response>(cancellationToken);
        }

        var request = new PendingRequest(Interlocked.Increment(ref _nextRequestId), peer, verb, timeout, runContinuationsAsynchronously: false, _removePending);
        _pending[request.Id] = request;
        request.Start(_network.Time, deadlines: null, cancellationToken); // a timer per request: exact virtual-time timeouts
        request.MarkSent(request.Id);
        // One clock for the whole simulated network: the sender's expiry is the receiver's too (no budget conversion).
        _network.Send(LocalAddress, peer, new Envelope(verb, request.Id, MessageFlags.None, payload,
            MessagingService.ExpiryOf(_network.Time, verb, timeout)));
        return request.Task;
    }

    internal void Receive(PeerAddress from, Envelope envelope)
    {
        if (envelope.IsResponse)
        {
            if (!_pending.TryGetValue(envelope.RequestId, out var request))
            {
                return; // Late: the request already timed out.
            }

            if (envelope.IsFailure)
            {
                var (reason, detail) = FrameCodec.DecodeFailure(envelope.Payload);
                request.Fail(envelope.RequestId, reason, detail);
            }
            else
            {
                request.Complete(envelope.RequestId, new Response(from, envelope.Verb, envelope.Payload));
            }

            return;
        }

        var dispatch = _dispatcher.DispatchAsync(from, envelope, CancellationToken.None);
        if (dispatch.IsCompleted)
        {
            Reply(from, dispatch.Result);
        }
        else
        {
            // A handler that really awaits: its reply enters the queue whenever it completes (not deterministic).
            _ = ReplyWhenDoneAsync(from, dispatch);
        }
    }

    private async Task ReplyWhenDoneAsync(PeerAddress to, ValueTask<Envelope?> dispatch) => Reply(to, await dispatch.ConfigureAwait(false));

    private void Reply(PeerAddress to, Envelope? response)
    {
        if (response is { } r)
        {
            _network.Send(LocalAddress, to, r);
        }
    }
}

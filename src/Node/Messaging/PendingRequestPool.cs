namespace RingStore.Node.Messaging;

/// <summary>
/// Reuses the callback requests (<see cref="PendingRequest"/>) of one messaging service: a QUORUM write sends two,
/// and each was an allocation of ~170 B. A stack under a short lock, capped so that a burst does not pin its peak.
/// Safe to reuse because every late event names the request id it means (see <see cref="PendingRequest"/>).
/// </summary>
internal sealed class PendingRequestPool(int capacity = 4096)
{
    private readonly Stack<PendingRequest> _free = new();

    /// <summary>Requests waiting for reuse.</summary>
    public int Count
    {
        get
        {
            lock (_free) return _free.Count;
        }
    }

    /// <summary>A request for id <paramref name="id"/>, held twice: by the sender and by its outcome (see <see cref="PendingRequest.Release"/>).</summary>
    public PendingRequest Rent(long id, PeerAddress peer, Verb verb, TimeSpan timeout, IResponseHandler handler, object? state, Action<long> onDone)
    {
        PendingRequest? request;
        lock (_free) _free.TryPop(out request);
        request ??= new PendingRequest(this);
        request.Fill(id, peer, verb, timeout, handler, state, onDone);
        return request;
    }

    internal void Return(PendingRequest request)
    {
        lock (_free)
        {
            if (_free.Count < capacity) _free.Push(request);
        }
    }
}

namespace RingStore.Node.Messaging;

/// <summary>
/// One connection's requests awaiting their response, by request id. A dictionary under a short lock instead of a
/// ConcurrentDictionary, whose every add allocates a node (a QUORUM write adds two).
/// </summary>
internal sealed class PendingTable
{
    private readonly Dictionary<long, PendingRequest> _byId = [];

    public int Count
    {
        get
        {
            lock (_byId) return _byId.Count;
        }
    }

    public void Add(long id, PendingRequest request)
    {
        lock (_byId) _byId.Add(id, request);
    }

    public bool TryGet(long id, out PendingRequest request)
    {
        lock (_byId) return _byId.TryGetValue(id, out request!);
    }

    public void Remove(long id)
    {
        lock (_byId) _byId.Remove(id);
    }

    /// <summary>A copy of the entries, for the rare sweeps (connection lost, shutdown) that fail them outside the lock.</summary>
    public List<KeyValuePair<long, PendingRequest>> Snapshot()
    {
        lock (_byId) return [.. _byId];
    }
}

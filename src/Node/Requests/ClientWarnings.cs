namespace RingStore.Node.Requests;

/// <summary>
/// The warnings one client request collects on its way (guardrails on this node, warnings carried back in replica
/// responses), returned with its response as the native protocol returns warnings. Ambient (an AsyncLocal, as
/// Cassandra's ClientWarn is thread-local state) so coordinators and the executor add to it without every call in
/// between passing a collector along; tasks started inside the request (replica requests) inherit it.
/// Thread-safe: replica answers arrive concurrently. De-duplicated: the same warning from three replicas is one.
/// </summary>
public sealed class ClientWarnings : IDisposable
{
    /// <summary>Bounds what one request can accumulate (a scan over many partitions each over a threshold).</summary>
    public const int MaxWarnings = 100;

    private static readonly AsyncLocal<ClientWarnings?> CurrentSlot = new();

    private readonly List<string> _messages = [];
    private readonly ClientWarnings? _outer;

    private ClientWarnings(ClientWarnings? outer) => _outer = outer;

    /// <summary>The collector of the request running on this flow, or null (internal work: repair, hints, streaming).</summary>
    public static ClientWarnings? Current => CurrentSlot.Value;

    /// <summary>Starts collecting for one request; dispose to stop (the previous collector, if any, becomes current again).</summary>
    public static ClientWarnings Begin()
    {
        var scope = new ClientWarnings(CurrentSlot.Value);
        CurrentSlot.Value = scope;
        return scope;
    }

    /// <summary>Adds a warning to the current request, if there is one.</summary>
    public static void Add(string message)
    {
        if (!string.IsNullOrEmpty(message)) Current?.AddOwn(message);
    }

    /// <summary>Adds warnings that came back from a replica.</summary>
    public static void AddAll(IEnumerable<string>? messages)
    {
        if (messages is null || Current is not { } current) return;
        foreach (var m in messages) if (!string.IsNullOrEmpty(m)) current.AddOwn(m);
    }

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages) return _messages.ToArray();
        }
    }

    private void AddOwn(string message)
    {
        lock (_messages)
        {
            if (_messages.Count < MaxWarnings && !_messages.Contains(message, StringComparer.Ordinal)) _messages.Add(message);
        }
    }

    public void Dispose()
    {
        if (ReferenceEquals(CurrentSlot.Value, this)) CurrentSlot.Value = _outer;
    }
}

namespace RingStore.Node.Hosting;

/// <summary>
/// Holds the running node for the host's DI registrations (<see cref="FrontEnds"/>), which ASP.NET resolves after it
/// starts. Only Hosting may use it: a service that took it could reach the whole node (ServiceWiringTests).
/// </summary>
public sealed class NodeAccessor
{
    private RingStoreNode? _node;

    public RingStoreNode Node
    {
        get => Volatile.Read(ref _node) ?? throw new InvalidOperationException("The node has not started yet.");
        set => Volatile.Write(ref _node, value);
    }

    public RingStoreNode? NodeOrNull => Volatile.Read(ref _node);
}

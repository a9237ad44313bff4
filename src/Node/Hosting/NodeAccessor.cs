namespace RingStore.Node.Hosting;

/// <summary>Holds the running node for DI consumers (the gRPC service) that are created after it starts.</summary>
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

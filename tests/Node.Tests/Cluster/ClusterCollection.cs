namespace RingStore.Node.Tests.Cluster;

/// <summary>Tests that start whole nodes run one at a time: two cores do not take parallel clusters well.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "clusters (serial)";
}

namespace RingStore.Bench.Tests;

/// <summary>Tests that start real node processes run one at a time (2 cores; each starts a cluster).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NodeProcessCollection
{
    public const string Name = "node processes";
}

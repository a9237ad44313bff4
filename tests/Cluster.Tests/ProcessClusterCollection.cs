namespace RingStore.Cluster.Tests;

/// <summary>Every test here starts node processes: they run one at a time, since two cores do not take parallel clusters well.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessClusterCollection
{
    public const string Name = "node processes (serial)";
}

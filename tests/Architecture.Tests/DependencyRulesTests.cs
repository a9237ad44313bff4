using System.Reflection;

namespace RingStore.Architecture.Tests;

/// <summary>
/// The dependency arrows of ../shared/DESIGN.md: Core references no RingStore assembly; Storage and
/// Gossip reference only Core and never each other; the coordinator's pure core (Coordination) only Core and Gossip.
/// A forbidden reference fails the build's tests.
/// </summary>
public class DependencyRulesTests
{
    private static string[] RingStoreReferences(Assembly assembly) =>
        assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("RingStore.", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();

    [Fact]
    public void Core_references_no_other_ringstore_assembly() =>
        Assert.Empty(RingStoreReferences(typeof(RingStore.Core.Partitioning.Token).Assembly));

    [Fact]
    public void Storage_references_only_core() =>
        Assert.Equal(["RingStore.Core"], RingStoreReferences(typeof(RingStore.Storage.StorageAssemblyMarker).Assembly));

    [Fact]
    public void Gossip_references_only_core() =>
        Assert.Equal(["RingStore.Core"], RingStoreReferences(typeof(RingStore.Gossip.GossipAssemblyMarker).Assembly));

    [Fact]
    public void Client_references_only_core() =>
        Assert.Equal(["RingStore.Core"], RingStoreReferences(typeof(RingStore.Client.ClientAssemblyMarker).Assembly));

    [Fact]
    public void Cql_references_only_core() =>
        Assert.Equal(["RingStore.Core"], RingStoreReferences(typeof(RingStore.Cql.CqlParser).Assembly));

    [Fact]
    public void Coordination_references_only_core_and_gossip() =>
        Assert.Equal(["RingStore.Core", "RingStore.Gossip"],
            RingStoreReferences(typeof(RingStore.Coordination.CoordinationAssemblyMarker).Assembly));
}

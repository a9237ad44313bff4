using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Native;

/// <summary>One real node (Kestrel host with the native listener) shared by a test class.</summary>
public sealed class NativeNodeFixture : IAsyncLifetime
{
    public InProcessCluster Cluster { get; private set; } = null!;

    public int Port => Cluster.Options[0].NativePort;

    public async Task InitializeAsync() => Cluster = await InProcessCluster.StartAsync(1, withGrpc: true);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

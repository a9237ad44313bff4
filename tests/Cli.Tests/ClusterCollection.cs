namespace RingStore.Cli.Tests;

/// <summary>
/// The end-to-end tests share one 3-node cluster (started once by `ringstore up --detach`) and run one at a time:
/// the machine is small, and the lifecycle test starts a second cluster of its own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "ringstore cluster";
}

public sealed class ClusterFixture : IAsyncLifetime
{
    public LocalClusterHandle Cluster { get; } = LocalClusterHandle.Create();

    public CliProcess.Result Up { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Up = await Cluster.UpAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

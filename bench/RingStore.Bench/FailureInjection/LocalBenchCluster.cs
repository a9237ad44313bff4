using RingStore.LocalCluster;
using LocalClusterHost = RingStore.LocalCluster.LocalCluster;

namespace RingStore.Bench.FailureInjection;

/// <summary>Node processes on 127.0.0.1 through <see cref="LocalClusterHost"/>; no network partitions (one shared loopback).</summary>
public sealed class LocalBenchCluster : IBenchCluster
{
    private readonly LocalClusterHost _cluster;

    public LocalBenchCluster(LocalClusterOptions options) => _cluster = new LocalClusterHost(options);

    public int Count => _cluster.Nodes.Count;

    public IReadOnlyList<string> GrpcEndpoints => [.. _cluster.GrpcEndpoints];

    public bool CanPartition => false;

    public string? PartitionUnavailableReason => "nodes share the loopback address; run with --partition to use network namespaces";

    public int? Pid(int index) => _cluster.Nodes[index].Pid;

    public bool IsRunning(int index) => _cluster.Nodes[index].IsRunning;

    public Task StartAsync(TimeSpan timeout, CancellationToken ct) => _cluster.StartAsync(timeout, ct);

    public void Kill(int index) => _cluster.Nodes[index].Kill();

    public void Pause(int index) => Signals.Stop(Pid(index) ?? throw new InvalidOperationException($"node{index} is not running."));

    public void Resume(int index) => Signals.Continue(Pid(index) ?? throw new InvalidOperationException($"node{index} is not running."));

    public Task StopNodeAsync(int index, TimeSpan timeout) => _cluster.Nodes[index].StopAsync(timeout);

    public async Task RestartNodeAsync(int index, int expectedUp, TimeSpan timeout, CancellationToken ct)
    {
        _cluster.StartNode(index);
        await _cluster.Nodes[index].WaitUntilReadyAsync(expectedUp, timeout, ct).ConfigureAwait(false);
    }

    public Task StopAllAsync(TimeSpan timeoutPerNode) => _cluster.StopAsync(timeoutPerNode);

    public Task PartitionAsync(int index, CancellationToken ct) => throw new NotSupportedException(PartitionUnavailableReason);

    public Task HealAsync(int index, CancellationToken ct) => throw new NotSupportedException(PartitionUnavailableReason);

    public string LogTail(int index, int lines) => NodeProcess.Tail(_cluster.Nodes[index].LogPath, lines);

    public override string ToString() => _cluster.ToString();

    public void Dispose() => _cluster.Dispose();
}

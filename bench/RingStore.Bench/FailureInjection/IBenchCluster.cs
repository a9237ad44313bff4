namespace RingStore.Bench.FailureInjection;

/// <summary>
/// The node processes a scenario drives and the faults it injects: SIGKILL, SIGTERM, restart on the same data
/// directory and, where the machine allows it, a network partition. Dispose kills whatever still runs.
/// </summary>
public interface IBenchCluster : IDisposable
{
    int Count { get; }

    IReadOnlyList<string> GrpcEndpoints { get; }

    /// <summary>False when this cluster cannot cut a node off the network (see <see cref="PartitionUnavailableReason"/>).</summary>
    bool CanPartition { get; }

    string? PartitionUnavailableReason { get; }

    int? Pid(int index);

    bool IsRunning(int index);

    /// <summary>Starts every node and waits until each sees all of them up.</summary>
    Task StartAsync(TimeSpan timeout, CancellationToken ct);

    /// <summary>SIGKILL: no flush, no gossip goodbye.</summary>
    void Kill(int index);

    /// <summary>SIGSTOP: the node freezes with its connections open (a long GC pause, a stuck disk, a half-dead VM).</summary>
    void Pause(int index);

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    void Resume(int index);

    /// <summary>SIGTERM and wait (the node announces its shutdown and flushes); SIGKILL after the timeout.</summary>
    Task StopNodeAsync(int index, TimeSpan timeout);

    /// <summary>Starts a stopped node on its old data directory and waits until it sees <paramref name="expectedUp"/> nodes up.</summary>
    Task RestartNodeAsync(int index, int expectedUp, TimeSpan timeout, CancellationToken ct);

    Task StopAllAsync(TimeSpan timeoutPerNode);

    /// <summary>Cuts the node off from the other nodes (clients still reach it).</summary>
    Task PartitionAsync(int index, CancellationToken ct);

    Task HealAsync(int index, CancellationToken ct);

    string LogTail(int index, int lines);
}

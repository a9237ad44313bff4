namespace RingStore.Node.Hosting;

/// <summary>What a node does when its disk fails it (Cassandra's disk_failure_policy / commit_failure_policy).</summary>
public enum DiskFailurePolicy
{
    /// <summary>
    /// Stop serving: announce shutdown by gossip (peers mark the node down at once and hint its writes), close the
    /// internode and client listeners, keep the process up for inspection.
    /// </summary>
    Stop,
    /// <summary>Keep serving what still works (reads from readable files); failing writes fail as WriteFailure.</summary>
    BestEffort,
    /// <summary>Exit the process (exit code 1).</summary>
    Die,
}

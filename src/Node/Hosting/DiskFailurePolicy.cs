namespace RingStore.Node.Hosting;

/// <summary>What a node does when its disk fails it (Cassandra's disk_failure_policy / commit_failure_policy).</summary>
public enum DiskFailurePolicy
{
    /// <summary>
    /// Stop serving on an I/O error, a full disk or a read-only file system (commit log, flush, compaction, SSTable
    /// read): announce shutdown by gossip (peers mark the node down at once and hint its writes), close the internode
    /// and client listeners, keep the process up for inspection. A corrupt SSTable (checksum mismatch) is only marked
    /// unreadable: reads it may concern fail on this node, the rest is served.
    /// </summary>
    Stop,
    /// <summary>
    /// Keep serving what still works: an SSTable that fails a read (I/O error or corruption) is marked unreadable and
    /// reads are served from the rest; failing writes fail as WriteFailure.
    /// </summary>
    BestEffort,
    /// <summary>Exit the process (exit code 1) on any disk failure, a corrupt SSTable included.</summary>
    Die,
    /// <summary>As <see cref="Stop"/>, and a corrupt SSTable stops the node too (Cassandra's stop_paranoid).</summary>
    StopParanoid,
}

using RingStore.Storage.Engine;
using RingStore.Storage.SSTables;

namespace RingStore.Node.Hosting;

/// <summary>What the node does about one disk failure under its policy (see <see cref="DiskFailurePolicy"/>).</summary>
public enum DiskFailureAction
{
    /// <summary>Log it and keep serving (the engine already marked a failing SSTable unreadable).</summary>
    KeepServing,
    /// <summary>Leave the ring and close the listeners; the process stays up.</summary>
    StopServing,
    /// <summary>Exit the process.</summary>
    Die,
}

/// <summary>The policy table, kept pure so it is tested on its own.</summary>
public static class DiskFailureActions
{
    /// <summary>
    /// A corrupt SSTable (checksum mismatch, malformed content) stops the node only under stop_paranoid and exits it
    /// under die; an I/O error (commit log, flush, compaction, SSTable read: EIO, ENOSPC, EROFS) stops it under stop
    /// and stop_paranoid, exits it under die, and under best_effort leaves it serving what still works.
    /// </summary>
    public static DiskFailureAction For(DiskFailurePolicy policy, DiskFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        bool corruption = failure.Error is CorruptSSTableException { ReadError: null };
        return policy switch
        {
            DiskFailurePolicy.Die => DiskFailureAction.Die,
            DiskFailurePolicy.StopParanoid => DiskFailureAction.StopServing,
            DiskFailurePolicy.Stop => corruption ? DiskFailureAction.KeepServing : DiskFailureAction.StopServing,
            _ => DiskFailureAction.KeepServing,
        };
    }
}

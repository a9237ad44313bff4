using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;
using RingStore.Storage.Repair;

namespace RingStore.Node.Repair;

/// <summary>
/// One replica as the repair coordinator sees it: the local engine, or a peer reached over messaging. Every call may
/// throw (a peer down, timing out or dying): the coordinator fails the range that was being repaired, naming the replica.
/// </summary>
public interface IRepairReplica
{
    /// <summary>Endpoint ("host:port"), for messages.</summary>
    string Name { get; }

    Task<(MerkleTree Tree, long Entries)> ValidateAsync(string table, long startExclusive, long endInclusive, int depth, int nowSeconds, CancellationToken ct);

    /// <summary>Every entry (identity and digest) of (start, end], in scan order; one page in memory at a time on the replica.</summary>
    IAsyncEnumerable<RepairEntry> DigestsAsync(string table, long startExclusive, long endInclusive, int nowSeconds, CancellationToken ct);

    /// <summary>
    /// The named entries as partitions (rows only, or deletion and tombstones only for a header entry), as many of the
    /// first ones as fit the replica's reply budget (at least one): ask again for the rest.
    /// </summary>
    Task<FetchedEntries> FetchAsync(string table, IReadOnlyList<RepairEntry> entries, CancellationToken ct);

    /// <summary>Writes a partition update through the replica's normal write path (commit log, memtable), timestamps as given.</summary>
    Task ApplyAsync(PartitionUpdate update, CancellationToken ct);

    /// <summary>
    /// Tells the replica that (start, end] of the table was repaired on every replica at the given time, so its own
    /// history (and only_purge_repaired_tombstones there) counts the repair, not only the coordinator's.
    /// </summary>
    Task RecordRepairedAsync(string table, long startExclusive, long endInclusive, long repairedAtUnixSeconds, CancellationToken ct);
}

/// <summary>A fetch's answer: the partitions holding the first <paramref name="Served"/> requested entries (absent ones left out).</summary>
public sealed record FetchedEntries(IReadOnlyList<MergedPartitionData> Partitions, int Served);

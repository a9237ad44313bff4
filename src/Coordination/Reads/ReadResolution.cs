using RingStore.Core.Data;
using RingStore.Core.Reads;

namespace RingStore.Coordination;

/// <summary>
/// The outcome of resolving a read: the merged partition (tombstones kept), the rows the client sees, and per
/// replica the update that brings it level with <see cref="Resolved"/> (null when it already is).
/// <see cref="ResumeAfter"/> is the paging state for the next page (the clustering after which to continue, in
/// read direction), or null when the slice is exhausted. <see cref="ShortReadCut"/> says the page was cut at the
/// last clustering every limit-cut replica covered (short-read protection), so it may hold fewer rows than the limit.
/// </summary>
public sealed record ReadResolution(
    MergedPartitionData? Resolved,
    IReadOnlyList<Row> VisibleRows,
    IReadOnlyDictionary<string, PartitionUpdate?> RepairsByEndpoint,
    byte[]? ResumeAfter,
    bool ShortReadCut)
{
    /// <summary>Replicas that must receive (and acknowledge) a repair before the coordinator answers.</summary>
    /// <summary>
    /// What a replica that took no part in the read must be sent to hold <see cref="Resolved"/> (everything answered):
    /// the coordinator's stand-in when a repair to a replica fails (null when there is nothing to write).
    /// </summary>
    public PartitionUpdate? ForAbsentReplica { get; init; }

    public IEnumerable<KeyValuePair<string, PartitionUpdate>> Repairs =>
        RepairsByEndpoint.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, PartitionUpdate>(p.Key, p.Value!));
}

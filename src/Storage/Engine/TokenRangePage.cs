using RingStore.Core.Partitioning;

namespace RingStore.Storage.Engine;

/// <summary>
/// One bounded page of a token-range read (<see cref="StorageEngine.ReadTokenRangePage"/>), so streaming a large range
/// never holds the whole range in memory. <see cref="ResumeAfter"/> is null when the range is finished; otherwise the
/// next page is read with it as the new exclusive start (same end). A page never ends between two partitions of the
/// same token, so resuming after that token skips nothing, and never spans the wrap of a wrapping range, so its
/// partitions are always in (token, key) order. <see cref="ApproximateBytes"/> is the partitions' encoded size.
/// </summary>
public sealed record TokenRangePage(IReadOnlyList<MergedPartitionData> Partitions, Token? ResumeAfter, long ApproximateBytes);

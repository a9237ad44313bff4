using RingStore.Core.Reads;

namespace RingStore.Storage.Engine;

/// <summary>
/// One bounded page of a token-range read (<see cref="StorageEngine.ReadTokenRangePage"/>): partitions in (token, key)
/// order, the last one possibly cut after a row (a wide partition spans several pages, each carrying a fragment with
/// the partition deletion and the range tombstones that reach into it). <see cref="Resume"/> is null when the range is
/// finished; otherwise the next page starts after it (same end). <see cref="ApproximateBytes"/> is the partitions'
/// encoded size, <see cref="Rows"/> the rows they hold (a partition without rows counts as one).
/// </summary>
public sealed record TokenRangePage(IReadOnlyList<MergedPartitionData> Partitions, RangePosition? Resume, long ApproximateBytes, int Rows);

using RingStore.Core.Reads;

namespace RingStore.Coordination;

/// <summary>
/// One replica's full-data answer to a read: null when it holds nothing for the partition in the slice.
/// <see cref="Truncated"/>: the replica stopped at its reply byte budget before the row limit, so (like an answer cut
/// at the limit) it said nothing past its last row.
/// </summary>
public sealed record ReplicaReadResponse(string Endpoint, MergedPartitionData? Data, bool Truncated = false);

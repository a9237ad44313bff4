namespace RingStore.Bench.HotPartition;

/// <summary>A partition among the hottest, as the nodes' Space-Saving sketches count it (Count overestimates by at most Error).</summary>
public sealed record HotPartitionEntry(string Node, string Kind, string PartitionKey, long Count, long Error);

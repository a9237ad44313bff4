using RingStore.Storage.Engine;

namespace RingStore.Node.Coordination;

/// <summary>One replica's full-data answer to a read: null when it holds nothing for the partition in the slice.</summary>
public sealed record ReplicaReadResponse(string Endpoint, MergedPartitionData? Data);

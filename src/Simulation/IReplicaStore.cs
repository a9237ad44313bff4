using RingStore.Core.Data;
using RingStore.Core.Reads;

namespace RingStore.Simulation;

/// <summary>
/// A simulated replica's data, as the replica handlers and the checker use it: the real storage engine
/// (<see cref="EngineReplicaStore"/>, the default) or the in-memory model (<see cref="SimReplicaStore"/>).
/// Apply and the reads throw <see cref="IOException"/> (or the engine's corruption exceptions) when the disk fails them.
/// </summary>
public interface IReplicaStore
{
    void Apply(PartitionUpdate update);

    MergedPartitionData? Read(SliceQuery query, int nowSeconds);

    (IReadOnlyList<MergedPartitionData> Partitions, RangePosition? Resume) ReadRange(RangePosition after, long endInclusive, int rowLimit);

    /// <summary>The checker's look at what the replica holds now (a write, a row or partition deletion); MinValue if none. No side effects.</summary>
    long LatestTimestamp(byte[] partitionKey);
}

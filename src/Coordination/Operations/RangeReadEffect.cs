using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Gossip.Ring;

namespace RingStore.Coordination.Operations;

/// <summary>What a <see cref="RangeReadOperation"/> asks its driver to do. The driver reports each outcome back as an event.</summary>
public abstract record RangeReadEffect
{
    /// <summary>Ask a replica for the piece's data; answer with OnResponse, OnFailure or OnRefused.</summary>
    public sealed record Ask(NodeInfo Replica) : RangeReadEffect;

    /// <summary>Write a read repair (one partition) to a replica and wait for its ack; answer with OnRepairAcked or OnRepairFailed with <paramref name="Id"/>.</summary>
    public sealed record SendRepair(int Id, string Endpoint, PartitionUpdate Repair) : RangeReadEffect;

    /// <summary>One partition was repaired on at least one replica (for the metric).</summary>
    public sealed record PartitionRepaired(byte[] Key) : RangeReadEffect;

    /// <summary>
    /// Answer the caller: the merged partitions in (token, key) order and where the next request resumes (null: the
    /// piece is done), or <paramref name="Error"/>. Emitted exactly once.
    /// </summary>
    public sealed record Answer(IReadOnlyList<MergedPartitionData> Partitions, RangePosition? Cut, Exception? Error) : RangeReadEffect;
}

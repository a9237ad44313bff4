using RingStore.Core.Data;
using RingStore.Gossip.Ring;
using RingStore.Coordination;

namespace RingStore.Simulation;

/// <summary>Why a mutation is sent; replicas treat all alike (apply, then ack).</summary>
public enum MutationKind
{
    Write,
    ReadRepair,
    HintReplay,
}

/// <summary>A mutation on the simulated wire: the real <see cref="MutationMessage"/> (DataSerializer bytes); the timestamp only labels the log.</summary>
public sealed record MutateRequest(MutationKind Kind, MutationMessage Message, long Timestamp = 0);

public sealed record MutateAck(MutationKind Kind);

/// <summary>A replica whose disk fails answers a mutation or a read with an error instead of applying or reading.</summary>
public sealed record ReplicaFailed(string Error);

/// <summary>
/// A range read of one piece (after <paramref name="After"/>, token &lt;= <paramref name="EndInclusive"/>) bounded by
/// rows: what the node's RangeReadCommandMessage carries that the simulated replica needs (no byte bound: the rows are small).
/// </summary>
public sealed record SimRangeRequest(string Table, RingStore.Core.Reads.RangePosition After, long EndInclusive, int RowLimit);

/// <summary>A range replica's answer: partitions in (token, key) order and where it stopped (null: it covered the whole request).</summary>
public sealed record SimRangeResponse(IReadOnlyList<RingStore.Core.Reads.MergedPartitionData> Partitions, RingStore.Core.Reads.RangePosition? Resume);

/// <summary>Repair validation: the replica's Merkle tree of (start, end] (the product's RepairScan over its engine).</summary>
public sealed record SimValidateRequest(long StartExclusive, long EndInclusive, int Depth);

public sealed record SimValidateResponse(RingStore.Storage.Repair.MerkleTree Tree);

/// <summary>Repair exchange: every partition the replica holds in (start, end] (a differing leaf's range), tombstones included.</summary>
public sealed record SimRepairFetch(long StartExclusive, long EndInclusive);

public sealed record SimRepairFetchResponse(IReadOnlyList<RingStore.Core.Reads.MergedPartitionData> Partitions);

/// <summary>Failure-detector traffic: any message from a peer counts as a sign of life.</summary>
public sealed record Ping;

public sealed record Pong;

/// <summary>A message of the real gossip protocol (SYN, ACK, ACK2, shutdown) between two nodes' Gossipers.</summary>
public sealed record GossipPacket(RingStore.Gossip.Messages.IGossipMessage Message);

/// <summary>Short names of payloads for the event log.</summary>
public static class SimPayloads
{
    public static string Describe(object payload) => payload switch
    {
        MutateRequest m => m.Timestamp != 0 ? $"{m.Kind} ts {m.Timestamp}" : m.Kind.ToString(),
        MutateAck a => $"{a.Kind} ack",
        ReplicaFailed f => $"error: {f.Error}",
        ReadCommandMessage r => r.DigestOnly ? "read digest" : "read data",
        ReadResponseMessage => "read response",
        SimRangeRequest r => $"range read {r.After}..{r.EndInclusive} rows {r.RowLimit}",
        SimValidateRequest v => $"repair validate ({v.StartExclusive}, {v.EndInclusive}]",
        SimValidateResponse => "repair tree",
        SimRepairFetch f => $"repair fetch ({f.StartExclusive}, {f.EndInclusive}]",
        SimRepairFetchResponse r => $"repair rows {r.Partitions.Count} partitions",
        SimRangeResponse r => $"range response {r.Partitions.Count} partitions{(r.Resume is null ? "" : $", resume {r.Resume}")}",
        _ => payload.GetType().Name,
    };
}

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

/// <summary>Failure-detector traffic: any message from a peer counts as a sign of life.</summary>
public sealed record Ping;

public sealed record Pong;

/// <summary>A message of the real gossip protocol (SYN, ACK, ACK2, shutdown) between two nodes' Gossipers.</summary>
public sealed record GossipPacket(RingStore.Gossip.Messages.IGossipMessage Message);

/// <summary>A write this coordinator owes a replica, kept across its own restarts (hints are durable).</summary>
public sealed record SimHint(long Id, NodeInfo Target, PartitionUpdate Update, int Key, long Timestamp, TimeSpan StoredAt);

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
        _ => payload.GetType().Name,
    };
}

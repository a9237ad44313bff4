using RingStore.Core.Data;
using RingStore.Gossip.Ring;
using RingStore.Node.Coordination;

namespace RingStore.Simulation;

/// <summary>Why a mutation is sent; replicas treat all alike (apply, then ack).</summary>
public enum MutationKind
{
    Write,
    ReadRepair,
    HintReplay,
}

/// <summary>A mutation on the simulated wire: the real <see cref="MutationMessage"/> (DataSerializer bytes).</summary>
public sealed record MutateRequest(MutationKind Kind, MutationMessage Message);

public sealed record MutateAck(MutationKind Kind);

/// <summary>Failure-detector traffic: any message from a peer counts as a sign of life.</summary>
public sealed record Ping;

public sealed record Pong;

/// <summary>A write this coordinator owes a replica, kept across its own restarts (hints are durable).</summary>
public sealed record SimHint(long Id, NodeInfo Target, PartitionUpdate Update);

using RingStore.Core.Data;
using RingStore.Gossip.Ring;
using RingStore.Coordination;

namespace RingStore.Node.Tests.Simulation;

/// <summary>Why a mutation is sent; replicas treat all alike (apply, then ack).</summary>
internal enum MutationKind
{
    Write,
    ReadRepair,
    HintReplay,
}

/// <summary>A mutation on the simulated wire: the real <see cref="MutationMessage"/> (DataSerializer bytes).</summary>
internal sealed record MutateRequest(MutationKind Kind, MutationMessage Message);

internal sealed record MutateAck(MutationKind Kind);

/// <summary>Failure-detector traffic: any message from a peer counts as a sign of life.</summary>
internal sealed record Ping;

internal sealed record Pong;

/// <summary>A write this coordinator owes a replica, kept across its own restarts (hints are durable).</summary>
internal sealed record SimHint(long Id, NodeInfo Target, PartitionUpdate Update);

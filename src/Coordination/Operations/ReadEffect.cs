using RingStore.Core.Data;
using RingStore.Gossip.Ring;

namespace RingStore.Coordination.Operations;

/// <summary>What a <see cref="ReadOperation"/> asks its driver to do. The driver reports each outcome back as an event.</summary>
public abstract record ReadEffect
{
    /// <summary>Ask a replica for data or a digest; answer with OnResponse, OnFailure or OnRefused.</summary>
    public sealed record Ask(NodeInfo Replica, bool DigestOnly) : ReadEffect;

    /// <summary>Ask a replica that sent a digest for its data (digest mismatch); answer with OnDataFetched or OnFetchFailed.</summary>
    public sealed record FetchData(NodeInfo Replica) : ReadEffect;

    /// <summary>Write a read repair to a replica and wait for its ack; answer with OnRepairAcked or OnRepairFailed.</summary>
    public sealed record SendRepair(string Endpoint, PartitionUpdate Repair) : ReadEffect;

    /// <summary>Arm the speculative-retry timer; when it fires, call <see cref="ReadOperation.OnSpeculationDue"/>.</summary>
    public sealed record ArmSpeculation(TimeSpan At) : ReadEffect;

    /// <summary>Arm the read deadline; when it fires, call <see cref="ReadOperation.OnTimeout"/>.</summary>
    public sealed record ArmTimeout(TimeSpan At) : ReadEffect;

    /// <summary>One more replica was asked because the first ones were slow (for the metric).</summary>
    public sealed record SpeculatedRetry(NodeInfo Replica) : ReadEffect;

    /// <summary>The digests disagreed: full data is fetched and stale replicas repaired (for the metric).</summary>
    public sealed record DigestMismatch : ReadEffect;

    /// <summary>Answer the client: rows and the paging state, or <paramref name="Error"/>. Emitted exactly once.</summary>
    public sealed record Answer(IReadOnlyList<Row> Rows, byte[]? PagingState, Exception? Error) : ReadEffect;
}

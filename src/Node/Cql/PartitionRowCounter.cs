using RingStore.Core.Reads;

namespace RingStore.Node.Cql;

/// <summary>
/// PER PARTITION LIMIT on a range scan, on the coordinator: counts the rows taken from the current partition (its
/// fragments arrive one after another, and the count of the partition a page ended in comes back in the paging state),
/// says when it is full, and writes the paging state after a row with that count. A page that ends on the row that
/// fills its partition resumes after the whole partition, so the rest of it is not read again.
/// Without a limit it counts nothing and every state is the plain position.
/// </summary>
internal sealed class PartitionRowCounter(long limit, CqlPagingState? state)
{
    private byte[]? _key = state?.PartitionKey;
    private long _taken = state?.PartitionKey is null ? 0 : state.PartitionRows;

    public bool Limited => limit != long.MaxValue;

    public bool Full => _taken >= limit;

    public long Taken => _taken;

    /// <summary>The limit for the replicas: only without a coordinator-side filter (the limit counts rows after it).</summary>
    public PartitionRowLimit? PushDown(RowFilter filter, int nowSeconds) =>
        Limited && filter.IsEmpty ? new PartitionRowLimit((int)Math.Min(limit, int.MaxValue), nowSeconds) : null;

    /// <summary>A partition (or the next fragment of the same one) starts.</summary>
    public void Enter(byte[] key)
    {
        if (_key is not null && ByteOrder.Instance.Compare(_key, key) == 0) return;
        _key = key;
        _taken = 0;
    }

    public void Took() => _taken++;

    /// <summary>The paging state after a row of the current partition that was just taken.</summary>
    public CqlPagingState State(long token, byte[] key, byte[] clustering) => !Limited
        ? new CqlPagingState(0, clustering, 0, token, key)
        : new CqlPagingState(0, Full ? null : clustering, 0, token, key) { PartitionRows = _taken };
}

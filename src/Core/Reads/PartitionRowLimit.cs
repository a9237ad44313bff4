using RingStore.Core.Data;

namespace RingStore.Core.Reads;

/// <summary>
/// PER PARTITION LIMIT pushed to a replica's range read: a partition's rows stop after the <see cref="Rows"/>-th row
/// visible at <see cref="NowSeconds"/> (the coordinator's clock, so replica and coordinator agree on what is live).
/// Rows before it pass unchanged, tombstones and dead rows included, so the answer still merges; rows after it are
/// never read (the rows are lazy). Only sound when one replica's answer is the result: with several replicas merged,
/// another replica's newer tombstone could shadow a row this one counted and leave the partition short (Cassandra's
/// short-read protection problem), so the coordinator sends it only at consistency levels that block for one replica.
/// </summary>
public sealed record PartitionRowLimit(int Rows, int NowSeconds)
{
    public IEnumerable<Row> Apply(IEnumerable<Row> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Rows);
        return Limited(rows);
    }

    private IEnumerable<Row> Limited(IEnumerable<Row> rows)
    {
        int live = 0;
        foreach (var row in rows)
        {
            yield return row;
            if (LiveRows.Visible(row, NowSeconds) is not null && ++live >= Rows) yield break;
        }
    }
}

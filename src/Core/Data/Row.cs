namespace RingStore.Core.Data;

/// <summary>
/// A row: its encoded clustering key (empty for tables without clustering columns), the row marker,
/// a row deletion and its cells sorted by column index (at most one cell per column).
/// Immutable by convention: merging makes a new Row.
/// </summary>
public sealed class Row
{
    public Row(byte[] clustering, LivenessInfo liveness, DeletionTime deletion, Cell[] cells)
    {
        Clustering = clustering;
        Liveness = liveness;
        Deletion = deletion;
        Cells = cells;
    }

    public byte[] Clustering { get; }
    public LivenessInfo Liveness { get; }
    public DeletionTime Deletion { get; }
    public Cell[] Cells { get; }

    public Cell? CellFor(int column)
    {
        foreach (var c in Cells) if (c.Column == column) return c;
        return null;
    }

    /// <summary>A row with nothing in it (used to drop rows entirely shadowed).</summary>
    public bool IsEmpty => Liveness.IsEmpty && Deletion.IsLive && Cells.Length == 0;

    /// <summary>Rough heap footprint, for memtable accounting.</summary>
    public long EstimatedSizeBytes
    {
        get
        {
            long size = 64 + Clustering.Length;
            foreach (var c in Cells) size += 40 + (c.Value?.Length ?? 0);
            return size;
        }
    }

    public override string ToString() =>
        $"Row({Convert.ToHexString(Clustering)}, marker={Liveness.TimestampMicros}, del={Deletion.MarkedForDeleteAtMicros}, cells={Cells.Length})";
}

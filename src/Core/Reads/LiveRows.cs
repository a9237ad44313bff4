using RingStore.Core.Data;

namespace RingStore.Core.Reads;

/// <summary>
/// What a client may see: rows with at least a live marker or one live cell, holding only live
/// cells. Expired TTL data and tombstones never get past here.
/// </summary>
public static class LiveRows
{
    public static Row? Visible(Row row, int nowSeconds)
    {
        bool anyDead = false;
        int live = 0;
        foreach (var c in row.Cells)
        {
            if (c.IsLiveAt(nowSeconds)) live++;
            else anyDead = true;
        }
        bool markerLive = row.Liveness.IsLiveAt(nowSeconds);
        if (live == 0 && !markerLive) return null;
        if (!anyDead && row.Deletion.IsLive && (markerLive || row.Liveness.IsEmpty)) return row;
        var cells = anyDead ? Array.FindAll(row.Cells, c => c.IsLiveAt(nowSeconds)) : row.Cells;
        return new Row(row.Clustering, markerLive ? row.Liveness : LivenessInfo.None, DeletionTime.Live, cells);
    }

    public static IEnumerable<Row> Filter(IEnumerable<Row> rows, int nowSeconds)
    {
        foreach (var row in rows)
        {
            var visible = Visible(row, nowSeconds);
            if (visible is not null) yield return visible;
        }
    }
}

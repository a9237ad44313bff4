using System.Text;
using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Storage.Engine;

namespace RingStore.Node.Tests.Cluster;

/// <summary>Builds updates and queries for the sample table t(pk bigint, ck int, v text).</summary>
public static class SampleData
{
    private static long _lastMicros;

    /// <summary>Strictly increasing write timestamps, so later writes in a test always win.</summary>
    public static long NextTimestamp()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        while (true)
        {
            long last = Interlocked.Read(ref _lastMicros);
            long next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _lastMicros, next, last) == last) return next;
        }
    }

    public static byte[] Key(TableSchema table, long pk) => PartitionKeyCodec.Serialize(table.PartitionKey, [pk]);

    public static PartitionUpdate Upsert(TableSchema table, long pk, int ck, string value, long? timestampMicros = null)
    {
        long ts = timestampMicros ?? NextTimestamp();
        var row = new Row(ClusteringKeyCodec.Encode(table.Clustering, [ck]), LivenessInfo.At(ts), DeletionTime.Live,
            [Cell.Live(0, ts, Encoding.UTF8.GetBytes(value))]);
        return PartitionUpdate.OfRows(table.FullName, Key(table, pk), row);
    }

    public static SliceQuery Partition(TableSchema table, long pk, int limit = int.MaxValue, byte[]? paging = null) =>
        new(table.FullName, Key(table, pk), ClusteringSlice.All, Limit: limit, PagingState: paging);

    public static string? Value(Row row) => row.CellFor(0) is { Value: { } v } ? Encoding.UTF8.GetString(v) : null;

    public static int Ck(TableSchema table, Row row) => (int)ClusteringKeyCodec.Decode(table.Clustering, row.Clustering)[0];
}

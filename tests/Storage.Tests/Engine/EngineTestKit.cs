using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Storage.Engine;

namespace RingStore.Storage.Tests.Engine;

/// <summary>A time-series table and helpers to build its keys and rows in engine tests.</summary>
internal static class EngineTestKit
{
    public static TableSchema TimeSeries(TableOptions? options = null, ClusteringOrder order = ClusteringOrder.Asc) => new(
        "ks", "series",
        [new ColumnDefinition("id", ColumnType.BigInt), new ColumnDefinition("bucket", ColumnType.Text)],
        [new ClusteringColumn("ts", ColumnType.BigInt, order)],
        [new ColumnDefinition("value", ColumnType.Blob), new ColumnDefinition("n", ColumnType.Int)],
        options,
        Guid.Parse("00000000-0000-0000-0000-0000000000aa"));

    public const string Table = "ks.series";

    /// <summary>
    /// <see cref="TimeSeries"/> with SSTable compression off: for the tests that find a value's bytes in a Data file to
    /// damage them (compressed, the bytes are not in the file as they are).
    /// </summary>
    public static TableSchema UncompressedTimeSeries() => TimeSeries(new TableOptions { Compression = CompressionOptions.Disabled });

    public static byte[] Pk(long id, string bucket = "b") =>
        PartitionKeyCodec.Serialize(TimeSeries().PartitionKey, [id, bucket]);

    public static byte[] Ck(long ts, ClusteringOrder order = ClusteringOrder.Asc) =>
        ClusteringKeyCodec.Encode(TimeSeries(order: order).Clustering, [ts]);

    public static Row ValueRow(long ck, byte[] value, long timestamp, ClusteringOrder order = ClusteringOrder.Asc) =>
        new(Ck(ck, order), LivenessInfo.At(timestamp), DeletionTime.Live, [Cell.Live(0, timestamp, value)]);

    public static PartitionUpdate Write(long id, long ck, byte[] value, long timestamp) =>
        PartitionUpdate.OfRows(Table, Pk(id), ValueRow(ck, value, timestamp));

    public static long CkValue(Row row) => (long)ClusteringKeyCodec.Decode(TimeSeries().Clustering, row.Clustering)[0];

    public static StorageEngineOptions Options(string dir) => new() { DataDirectory = dir, BackgroundCompaction = false };
}

using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Storage.Engine;

namespace RingStore.Bench.Storage;

/// <summary>RingStore's engine with its commit log on, periodic sync (the default).</summary>
public sealed class RingStoreTarget : IStorageTarget
{
    public static readonly TableSchema Schema = new(
        "bench", "ts",
        [new ColumnDefinition("id", ColumnType.BigInt), new ColumnDefinition("time_bucket", ColumnType.Text)],
        [new ClusteringColumn("ts", ColumnType.Timestamp)],
        [new ColumnDefinition("value", ColumnType.Blob)],
        new TableOptions(),
        Guid.Parse("0b3c6a1e-2f4d-4e5a-8b9c-0d1e2f3a4b5c"));

    private readonly StorageEngine _engine;
    private readonly string _dir;
    private long _timestamp = 1;

    /// <param name="compression">the table's SSTable compression; null: the table default (LZ4, 16 KiB chunks).</param>
    /// <param name="chunkCacheMiB">the engine's chunk cache (--chunk-cache-mib; 0 = none); null: the engine default.</param>
    public RingStoreTarget(string dir, CompressionOptions? compression = null, int? chunkCacheMiB = null)
    {
        _dir = dir;
        var schema = compression is null ? Schema : new TableSchema(Schema.Keyspace, Schema.Name, Schema.PartitionKey, Schema.Clustering,
            Schema.Regular, Schema.Options with { Compression = compression }, Schema.Id);
        var options = new StorageEngineOptions { DataDirectory = dir };
        if (chunkCacheMiB is { } mib) options = options with { ChunkCacheSizeMiB = mib };
        _engine = StorageEngine.Open(options, [schema]);
    }

    public string Name => "ringstore";

    /// <summary>
    /// Bytes the engine allocated on the writing thread inside ApplyAsync (the caller's Row and PartitionUpdate objects
    /// are not counted), and the mutations it was counted over (issue 20's allocation per engine write).
    /// </summary>
    public long EngineAllocatedBytes { get; private set; }

    public long EngineMutations { get; private set; }

    public void ResetAllocationCount() => (EngineAllocatedBytes, EngineMutations) = (0, 0);

    private void Apply(PartitionUpdate update)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var task = _engine.ApplyAsync(update);
        if (!task.IsCompletedSuccessfully) task.AsTask().GetAwaiter().GetResult();
        EngineAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - before;
        EngineMutations++;
    }

    private Row MakeRow(byte[] clustering, byte[] value)
    {
        long ts = Interlocked.Increment(ref _timestamp);
        return new Row(clustering, LivenessInfo.At(ts), DeletionTime.Live, [Cell.Live(0, ts, value)]);
    }

    public void WriteRow(byte[] partitionKey, byte[] clustering, byte[] value)
    {
        Apply(PartitionUpdate.OfRows(Schema.FullName, partitionKey, MakeRow(clustering, value)));
    }

    public void WriteRows(byte[] partitionKey, IReadOnlyList<byte[]> clusterings, IReadOnlyList<byte[]> values)
    {
        var rows = new Row[clusterings.Count];
        for (int i = 0; i < rows.Length; i++) rows[i] = MakeRow(clusterings[i], values[i]);
        Apply(PartitionUpdate.OfRows(Schema.FullName, partitionKey, rows));
    }

    public void FlushAndCompact()
    {
        _engine.FlushAsync().GetAwaiter().GetResult();
        _engine.CompactAsync().GetAwaiter().GetResult();
    }

    public bool ReadRow(byte[] partitionKey, byte[] clustering) => _engine.ReadRow(Schema.FullName, partitionKey, clustering) is not null;

    public int ReadPartition(byte[] partitionKey) => _engine.Read(SliceQuery.WholePartition(Schema.FullName, partitionKey)).Rows.Count;

    public int ReadRange(byte[] partitionKey, byte[] start, int count) =>
        _engine.Read(new SliceQuery(Schema.FullName, partitionKey,
            new ClusteringSlice(new ClusteringBound(start, true), ClusteringBound.Unbounded), Limit: count)).Rows.Count;

    public long DiskBytes() => DirectorySize.Of(_dir);

    public long TableFileBytes() => DirectorySize.Of(Path.Combine(_dir, "data"), "rs-*");

    public void Dispose() => _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

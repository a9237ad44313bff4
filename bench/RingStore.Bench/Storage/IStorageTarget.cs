namespace RingStore.Bench.Storage;

/// <summary>
/// One store under test in the storage scenario. Keys are given as partition-key bytes and
/// byte-comparable clustering bytes, the layout both RingStore and RocksDB can use.
/// </summary>
public interface IStorageTarget : IDisposable
{
    string Name { get; }
    void WriteRow(byte[] partitionKey, byte[] clustering, byte[] value);
    void WriteRows(byte[] partitionKey, IReadOnlyList<byte[]> clusterings, IReadOnlyList<byte[]> values);
    void FlushAndCompact();
    bool ReadRow(byte[] partitionKey, byte[] clustering);
    int ReadPartition(byte[] partitionKey);
    /// <summary>Reads up to <paramref name="count"/> rows from <paramref name="start"/> (inclusive) on; returns rows read.</summary>
    int ReadRange(byte[] partitionKey, byte[] start, int count);
    long DiskBytes();
    /// <summary>Bytes of the table files only (RingStore's SSTable components, RocksDB's .sst files): no logs.</summary>
    long TableFileBytes();
}

namespace RingStore.Bench.Workloads;

/// <summary>
/// One request of a time-series workload on partition (Id, Bucket): a write of the row at TimestampMillis, or a
/// range read of the rows in [ReadFromMillis, ReadToMillis].
/// </summary>
public readonly record struct WorkloadOperation(OperationKind Kind, long Id, string Bucket, long TimestampMillis, long ReadFromMillis, long ReadToMillis)
{
    public static WorkloadOperation Write(long id, string bucket, long timestampMillis) =>
        new(OperationKind.Write, id, bucket, timestampMillis, 0, 0);

    public static WorkloadOperation Read(long id, string bucket, long fromMillis, long toMillis) =>
        new(OperationKind.Read, id, bucket, 0, fromMillis, toMillis);
}

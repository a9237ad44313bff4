namespace RingStore.Bench.Verification;

/// <summary>A write the cluster acknowledged: row ts of partition (Id, Bucket), written salted or not.</summary>
public readonly record struct AckedWrite(long Id, string Bucket, long TimestampMillis, bool Salted = false, double AckedAtSeconds = 0);

namespace RingStore.Bench.Verification;

/// <summary>How a partition's rows compared with the writes acknowledged for it.</summary>
public readonly record struct PartitionCheckResult(int Expected, int Missing, int WrongValue)
{
    public static PartitionCheckResult operator +(PartitionCheckResult a, PartitionCheckResult b) =>
        new(a.Expected + b.Expected, a.Missing + b.Missing, a.WrongValue + b.WrongValue);

    public static PartitionCheckResult Add(PartitionCheckResult a, PartitionCheckResult b) => a + b;
}

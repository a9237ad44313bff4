using MessagePack;
using RingStore.Node.Coordination;

namespace RingStore.Node.Requests;

/// <summary>
/// A token-range scan sent to a replica (<see cref="Messaging.Verb.RangeRead"/>): every partition of
/// <see cref="Table"/> with StartExclusive &lt; token &lt;= EndInclusive (never wrapping), at most
/// <see cref="PartitionLimit"/> of them, tombstones included so the coordinator can merge replicas.
/// </summary>
[MessagePackObject]
public sealed record RangeReadCommandMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] string Table,
    [property: Key(2)] long StartExclusive,
    [property: Key(3)] long EndInclusive,
    [property: Key(4)] int PartitionLimit)
{
    public static RangeReadCommandMessage For(string table, long startExclusive, long endInclusive, int partitionLimit) =>
        new(CoordinationMessageSerializer.CurrentVersion, table, startExclusive, endInclusive, partitionLimit);
}

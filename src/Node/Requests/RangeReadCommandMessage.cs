using MessagePack;
using RingStore.Core.Partitioning;
using RingStore.Coordination;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;

namespace RingStore.Node.Requests;

/// <summary>
/// A token-range scan sent to a replica (<see cref="Messaging.Verb.RangeRead"/>): the partitions of <see cref="Table"/>
/// with StartExclusive &lt; token &lt;= EndInclusive (never wrapping), tombstones included so the coordinator can merge
/// replicas, at most <see cref="RowLimit"/> rows and about <see cref="ByteLimit"/> encoded bytes (a reply may end
/// inside a partition). With <see cref="StartKey"/> set the scan instead starts after that partition (whose token is
/// StartExclusive), or after its row <see cref="StartClustering"/> when that is set too: the resume position of a
/// previous reply. <see cref="PartitionLimit"/> is the row limit of senders that predate <see cref="RowLimit"/>.
/// <see cref="PerPartitionRows"/> (key 9, 0 = none): PER PARTITION LIMIT pushed down, each partition stops after that many
/// rows live at <see cref="NowSeconds"/> (key 10; see <see cref="PartitionRowLimit"/>). A replica that predates key 9
/// ignores it and answers whole partitions, which the coordinator still cuts: only the saving is lost.
/// </summary>
[MessagePackObject]
public sealed record RangeReadCommandMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] string Table,
    [property: Key(2)] long StartExclusive,
    [property: Key(3)] long EndInclusive,
    [property: Key(4)] int PartitionLimit,
    [property: Key(5)] byte[]? StartKey = null,
    [property: Key(6)] byte[]? StartClustering = null,
    [property: Key(7)] int RowLimit = 0,
    [property: Key(8)] long ByteLimit = 0,
    [property: Key(9)] int PerPartitionRows = 0,
    [property: Key(10)] int NowSeconds = 0)
{
    public static RangeReadCommandMessage For(string table, long startExclusive, long endInclusive, int partitionLimit) =>
        new(CoordinationMessageSerializer.CurrentVersion, table, startExclusive, endInclusive, partitionLimit);

    public static RangeReadCommandMessage For(string table, RangePosition after, long endInclusive, int rowLimit, long byteLimit)
    {
        ArgumentNullException.ThrowIfNull(after);
        return new(CoordinationMessageSerializer.CurrentVersion, table, after.Token.Value, endInclusive, rowLimit,
            after.Key, after.Clustering, rowLimit, byteLimit);
    }

    /// <summary>The pushed-down PER PARTITION LIMIT, null without.</summary>
    [IgnoreMember]
    public PartitionRowLimit? PerPartition => PerPartitionRows > 0 ? new PartitionRowLimit(PerPartitionRows, NowSeconds) : null;

    /// <summary>Where the replica starts.</summary>
    [IgnoreMember]
    public RangePosition After => new(new Token(StartExclusive), StartKey, StartKey is null ? null : StartClustering);
}

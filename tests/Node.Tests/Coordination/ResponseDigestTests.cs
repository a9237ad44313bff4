using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Coordination;
using RingStore.Storage.Engine;
using static RingStore.Node.Tests.Coordination.PartitionGen;

namespace RingStore.Node.Tests.Coordination;

public class ResponseDigestTests
{
    [Fact]
    public void Digests_are_equal_iff_the_data_is_equal()
    {
        Gen.Select(Update.Array[0, 4], Update.Array[0, 4]).Sample((x, y) =>
        {
            var a = Apply(x);
            var b = Apply(y);
            bool same = SameData(a, b);
            Assert.Equal(same, ResponseDigest.Compute(a).AsSpan().SequenceEqual(ResponseDigest.Compute(b)));
            Assert.Equal(ResponseDigest.SizeBytes, ResponseDigest.Compute(a).Length);
        }, iter: 5_000);
    }

    [Fact]
    public void Same_writes_in_any_order_and_split_give_the_same_digest()
    {
        Update.Array[1, 6].Sample(updates =>
        {
            var forward = Apply(updates);
            var backward = Apply(updates.Reverse());
            // Fold one at a time, as a replica applying writes one by one does.
            MergedPartitionData? folded = null;
            foreach (var u in updates)
            {
                folded = Apply(folded is null ? [u] : [AsUpdate(folded), u]);
            }
            Assert.Equal(ResponseDigest.Compute(forward), ResponseDigest.Compute(backward));
            Assert.Equal(ResponseDigest.Compute(forward), ResponseDigest.Compute(folded));
        }, iter: 3_000);
    }

    [Fact]
    public void A_tombstone_or_a_timestamp_changes_the_digest()
    {
        var row = new Row([1], LivenessInfo.At(5), DeletionTime.Live, [Cell.Live(0, 5, [1])]);
        var data = Apply([PartitionUpdate.OfRows(Table, Key, row)]);
        var baseline = ResponseDigest.Compute(data);

        var newerTs = Apply([PartitionUpdate.OfRows(Table, Key, new Row([1], LivenessInfo.At(5), DeletionTime.Live, [Cell.Live(0, 6, [1])]))]);
        Assert.NotEqual(baseline, ResponseDigest.Compute(newerTs));

        var withRangeTombstone = data! with
        {
            RangeTombstones = [new RangeTombstone(new ClusteringSlice(new([5], true), new([6], true)), new DeletionTime(3, 10))],
        };
        Assert.NotEqual(baseline, ResponseDigest.Compute(withRangeTombstone));

        var withCellTombstone = Apply([PartitionUpdate.OfRows(Table, Key, row),
            PartitionUpdate.OfRows(Table, Key, new Row([1], LivenessInfo.None, DeletionTime.Live, [Cell.Tombstone(1, 4, 10)]))]);
        Assert.NotEqual(baseline, ResponseDigest.Compute(withCellTombstone));
    }

    [Fact]
    public void No_partition_equals_an_empty_partition()
    {
        var empty = new MergedPartitionData(Key, KeyToken, DeletionTime.Live, [], []);
        Assert.Equal(ResponseDigest.Compute(null), ResponseDigest.Compute(empty));
        Assert.NotEqual(ResponseDigest.Compute(null), ResponseDigest.Compute(empty with { PartitionDeletion = new DeletionTime(1, 1) }));
    }
}

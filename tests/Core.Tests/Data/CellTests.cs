using RingStore.Core.Data;

namespace RingStore.Core.Tests.Data;

public class CellTests
{
    [Fact]
    public void Kinds_and_liveness()
    {
        var live = Cell.Live(1, 10, [1]);
        Assert.False(live.IsTombstone);
        Assert.False(live.IsExpiring);
        Assert.True(live.IsLiveAt(int.MaxValue - 1));

        var exp = Cell.Expiring(1, 10, [1], ttlSeconds: 5, nowSeconds: 100);
        Assert.True(exp.IsExpiring);
        Assert.Equal(105, exp.LocalDeletionTimeSeconds);
        Assert.True(exp.IsLiveAt(104));
        Assert.False(exp.IsLiveAt(105));

        var tomb = Cell.Tombstone(1, 10, 100);
        Assert.True(tomb.IsTombstone);
        Assert.False(tomb.IsLiveAt(0));
    }

    [Fact]
    public void Expired_cell_becomes_a_tombstone_at_its_write_time()
    {
        var exp = Cell.Expiring(3, 42, [7], ttlSeconds: 5, nowSeconds: 100);
        Assert.Equal(exp, exp.AsTombstoneIfExpired(104));
        var t = exp.AsTombstoneIfExpired(105);
        Assert.True(t.IsTombstone);
        Assert.Equal(42, t.TimestampMicros);
        Assert.Equal(3, t.Column);
        Assert.Equal(100, t.LocalDeletionTimeSeconds);
        var live = Cell.Live(1, 1, [1]);
        Assert.Equal(live, live.AsTombstoneIfExpired(int.MaxValue));
    }

    [Fact]
    public void Expiry_saturates_below_NoDeletion()
    {
        var exp = Cell.Expiring(1, 1, [1], ttlSeconds: int.MaxValue, nowSeconds: int.MaxValue - 10);
        Assert.Equal(int.MaxValue - 1, exp.LocalDeletionTimeSeconds);
        Assert.Equal(int.MaxValue - 1, LivenessInfo.Expiring(1, int.MaxValue, 5).ExpiresAtSeconds);
    }

    [Fact]
    public void Equality_compares_value_bytes()
    {
        Assert.Equal(Cell.Live(1, 1, [1, 2]), Cell.Live(1, 1, [1, 2]));
        Assert.NotEqual(Cell.Live(1, 1, [1, 2]), Cell.Live(1, 1, [1, 3]));
        Assert.NotEqual(Cell.Live(1, 1, []), Cell.Tombstone(1, 1, Cell.NoDeletion));
    }

    [Fact]
    public void Liveness_info()
    {
        Assert.True(LivenessInfo.None.IsEmpty);
        Assert.False(LivenessInfo.None.IsLiveAt(0));
        Assert.True(LivenessInfo.At(5).IsLiveAt(int.MaxValue - 1));
        var e = LivenessInfo.Expiring(5, 10, 100);
        Assert.True(e.IsLiveAt(109));
        Assert.False(e.IsLiveAt(110));
    }

    [Fact]
    public void Deletion_time_shadows_equal_and_older()
    {
        var d = new DeletionTime(10, 0);
        Assert.True(d.Shadows(10));
        Assert.True(d.Shadows(9));
        Assert.False(d.Shadows(11));
        Assert.True(DeletionTime.Live.IsLive);
        Assert.False(DeletionTime.Live.Shadows(long.MinValue + 1));
    }
}

using RingStore.Core.Serialization;

namespace RingStore.Core.Tests.Serialization;

public sealed class BinaryWriterBufferPoolTests
{
    [Fact]
    public async Task A_buffer_returned_on_another_thread_is_reused()
    {
        // The write path rents before the commit-log await and returns after it, usually on another thread.
        var pool = new BinaryWriterBufferPool();
        var rented = pool.Rent();
        rented.WriteBytes(new byte[100]);
        await Task.Run(() => pool.Return(rented));

        var again = pool.Rent();
        Assert.Same(rented, again);
        Assert.Equal(0, again.Length);
    }

    [Fact]
    public void The_pool_keeps_at_most_MaxPooled_buffers()
    {
        var pool = new BinaryWriterBufferPool();
        var buffers = Enumerable.Range(0, BinaryWriterBufferPool.MaxPooled + 10).Select(_ => pool.Rent()).ToList();
        foreach (var b in buffers) pool.Return(b);
        Assert.Equal(BinaryWriterBufferPool.MaxPooled, pool.PooledCount);
    }

    [Fact]
    public void A_buffer_that_grew_past_the_cap_is_dropped()
    {
        var pool = new BinaryWriterBufferPool();
        var big = pool.Rent();
        big.WriteBytes(new byte[BinaryWriterBufferPool.MaxPooledBytes + 1]);
        pool.Return(big);
        Assert.Equal(0, pool.PooledCount);
        Assert.NotSame(big, pool.Rent());
    }
}

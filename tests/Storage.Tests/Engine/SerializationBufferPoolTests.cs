using RingStore.Storage.Engine;
using Xunit;

namespace RingStore.Storage.Tests.Engine;

public sealed class SerializationBufferPoolTests
{
    [Fact]
    public async Task A_buffer_returned_on_another_thread_is_reused()
    {
        // The write path rents before the commit-log await and returns after it, usually on another thread.
        var pool = new SerializationBufferPool();
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
        var pool = new SerializationBufferPool();
        var buffers = Enumerable.Range(0, SerializationBufferPool.MaxPooled + 10).Select(_ => pool.Rent()).ToList();
        foreach (var b in buffers) pool.Return(b);
        Assert.Equal(SerializationBufferPool.MaxPooled, pool.PooledCount);
    }

    [Fact]
    public void A_buffer_that_grew_past_the_cap_is_dropped()
    {
        var pool = new SerializationBufferPool();
        var big = pool.Rent();
        big.WriteBytes(new byte[SerializationBufferPool.MaxPooledBytes + 1]);
        pool.Return(big);
        Assert.Equal(0, pool.PooledCount);
        Assert.NotSame(big, pool.Rent());
    }
}

using Microsoft.Extensions.Time.Testing;
using RingStore.Node.Streaming;

namespace RingStore.Node.Tests.Topology;

public class StreamThrottleTests
{
    private const long MiB = 1024 * 1024;

    /// <summary>Advances the fake clock in small steps until the task finishes; returns the fake time it took.</summary>
    private static async Task<TimeSpan> RunAsync(FakeTimeProvider time, Func<Task> start, TimeSpan step)
    {
        DateTimeOffset begin = time.GetUtcNow();
        Task task = start();
        for (int i = 0; i < 100_000 && !task.IsCompleted; i++)
        {
            time.Advance(step);
            // The delay's continuation may be queued: give it a moment of real time.
            if (!task.IsCompleted) await Task.WhenAny(task, Task.Delay(1));
        }
        await task.WaitAsync(TimeSpan.FromSeconds(10));
        return time.GetUtcNow() - begin;
    }

    [Theory]
    [InlineData(8, 4)]
    [InlineData(3, 1)]
    [InlineData(100, 50)]
    public async Task One_account_of_N_MiB_at_R_MiB_per_second_waits_N_over_R_seconds(int n, int r)
    {
        var time = new FakeTimeProvider();
        var throttle = new StreamThrottle(r, time);
        Assert.True(throttle.Enabled);
        TimeSpan took = await RunAsync(time, () => throttle.AccountAsync(n * MiB, CancellationToken.None), TimeSpan.FromMilliseconds(10));
        Assert.InRange(took.TotalSeconds, (double)n / r - 0.02, (double)n / r + 0.02);
    }

    [Fact]
    public async Task Many_small_accounts_are_paced_at_the_rate()
    {
        var time = new FakeTimeProvider();
        var throttle = new StreamThrottle(2, time);
        // 20 MiB in 1 MiB chunks at 2 MiB/s: about 10 s, across the throttle's 5 s history window.
        TimeSpan took = await RunAsync(time, async () =>
        {
            for (int i = 0; i < 20; i++) await throttle.AccountAsync(MiB, CancellationToken.None);
        }, TimeSpan.FromMilliseconds(10));
        Assert.InRange(took.TotalSeconds, 9.9, 10.2);
    }

    [Fact]
    public async Task An_idle_period_does_not_bank_a_burst()
    {
        var time = new FakeTimeProvider();
        var throttle = new StreamThrottle(4, time);
        time.Advance(TimeSpan.FromMinutes(1));
        TimeSpan took = await RunAsync(time, () => throttle.AccountAsync(8 * MiB, CancellationToken.None), TimeSpan.FromMilliseconds(10));
        Assert.InRange(took.TotalSeconds, 1.98, 2.02);
    }

    [Fact]
    public void Zero_is_unlimited_and_never_delays()
    {
        var time = new FakeTimeProvider();
        var throttle = new StreamThrottle(0, time);
        Assert.False(throttle.Enabled);
        for (int i = 0; i < 100; i++)
        {
            Task task = throttle.AccountAsync(1024 * MiB, CancellationToken.None);
            Assert.True(task.IsCompletedSuccessfully);
        }
    }

    [Fact]
    public async Task A_waiting_account_is_cancellable()
    {
        var time = new FakeTimeProvider();
        var throttle = new StreamThrottle(1, time);
        using var cts = new CancellationTokenSource();
        Task task = throttle.AccountAsync(10 * MiB, cts.Token);
        Assert.False(task.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}

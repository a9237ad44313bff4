using Microsoft.Extensions.Time.Testing;
using RingStore.Core.Time;

namespace RingStore.Storage.Tests.VirtualTime;

/// <summary>The bounded semaphore wait the engine's background loops and hint delivery sleep on follows the given clock.</summary>
public sealed class ClockedWaitTests
{
    private static readonly TimeSpan NotYet = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Times_out_when_virtual_time_passes_the_bound_and_not_before_and_takes_no_count()
    {
        var time = new FakeTimeProvider();
        using var wake = new SemaphoreSlim(0);
        var wait = wake.WaitOnClockAsync(TimeSpan.FromHours(1), time, CancellationToken.None);

        Assert.False(await Task.WhenAny(wait, Task.Delay(NotYet)) == wait, "timed out before virtual time passed");
        time.Advance(TimeSpan.FromHours(1));
        Assert.False(await wait.WaitAsync(Eventually));

        wake.Release();
        Assert.True(wake.Wait(0), "the timed-out wait took the next release");
    }

    [Fact]
    public async Task Returns_true_when_released_and_throws_on_the_callers_cancellation()
    {
        var time = new FakeTimeProvider();
        using var wake = new SemaphoreSlim(0);
        var woken = wake.WaitOnClockAsync(TimeSpan.FromHours(1), time, CancellationToken.None);
        wake.Release();
        Assert.True(await woken.WaitAsync(Eventually));

        wake.Release();
        Assert.True(await wake.WaitOnClockAsync(TimeSpan.Zero, time, CancellationToken.None)); // already signalled

        using var stop = new CancellationTokenSource();
        var stopped = wake.WaitOnClockAsync(TimeSpan.FromHours(1), time, stop.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped.WaitAsync(Eventually));
    }
}

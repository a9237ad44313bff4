namespace RingStore.Core.Time;

/// <summary>
/// A semaphore wait bounded on a <see cref="TimeProvider"/>: SemaphoreSlim's own timeout runs on the wall clock, so a
/// background loop that sleeps "until woken or an interval passed" would not follow a virtual clock.
/// </summary>
public static class ClockedWait
{
    /// <summary>
    /// True when the semaphore was entered, false when <paramref name="timeout"/> passed on <paramref name="time"/> first.
    /// A timed-out wait takes no count, so no wake-up is lost. Throws when <paramref name="ct"/> is cancelled and the
    /// semaphore was not entered.
    /// </summary>
    public static async Task<bool> WaitOnClockAsync(this SemaphoreSlim semaphore, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(semaphore);
        ArgumentNullException.ThrowIfNull(time);
        if (semaphore.Wait(0)) return true; // already signalled: no timer
        using var bound = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, bound.Token);
        var wait = semaphore.WaitAsync(either.Token);
        await wait.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (wait.IsCompletedSuccessfully) return true;
        ct.ThrowIfCancellationRequested();
        return false;
    }
}

using Microsoft.Extensions.Logging;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// Periodic mode: appends are acknowledged at once and a background loop commits (flush + fsync + metadata) every
/// interval, so a crash loses at most one interval of acknowledged writes — the documented contract of this mode.
/// </summary>
internal sealed class PeriodicSyncer : ILogSyncer
{
    private readonly Func<Task> _commit;
    private readonly Func<bool> _hasUnsynced;
    private readonly ILogger _logger;
    private readonly PeriodicTimer _timer;
    private readonly Task _loop;

    public PeriodicSyncer(Func<Task> commit, Func<bool> hasUnsynced, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        _commit = commit;
        _hasUnsynced = hasUnsynced;
        _logger = logger;
        _timer = new PeriodicTimer(interval, time);
        _loop = Task.Run(LoopAsync);
    }

    public ValueTask AfterAppendAsync(CancellationToken ct) => ValueTask.CompletedTask;

    private async Task LoopAsync()
    {
        while (await _timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            if (!_hasUnsynced())
                continue;
            try
            {
                await _commit().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Keep trying: a transient I/O error must not stop all future syncs. Writers see the failure through
                // CommitLog's fault state.
                _logger.LogError(ex, "Periodic commit-log sync failed");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _timer.Dispose(); // ends WaitForNextTickAsync with false
        await _loop.ConfigureAwait(false);
    }
}

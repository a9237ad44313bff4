using RingStore.Storage.CommitLog;

namespace RingStore.Storage.Hints;

/// <summary>
/// One target host's open hint log plus what the store tracks for it: pending counters, the replay lock (one replay
/// per target at a time) and a usage gate so <see cref="HintStore.DeleteAllAsync"/> and dispose can wait for
/// in-flight appends and replays to leave before closing the log.
/// </summary>
internal sealed class HintTarget(Guid hostId, HintLog log, HintLogRecovery recovery)
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _users;
    private bool _closed;
    private long _pendingCount = recovery.PendingCount;
    private long _pendingBytes = recovery.PendingBytes;

    public Guid HostId { get; } = hostId;

    public HintLog Log { get; } = log;

    /// <summary>Address ranges replay jumps over (cut torn tails, known corrupt regions). Only touched under <see cref="ReplayLock"/>.</summary>
    public List<AddressRange> Skip { get; } = recovery.Skip;

    public SemaphoreSlim ReplayLock { get; } = new(1, 1);

    /// <summary>Cancelled when the target is being deleted or the store disposed, so a running replay stops.</summary>
    public CancellationToken Closing => _closing.Token;

    public HintTargetStats Stats =>
        new(Math.Max(0, Interlocked.Read(ref _pendingCount)), Math.Max(0, Interlocked.Read(ref _pendingBytes)));

    public bool HasPending => Interlocked.Read(ref _pendingCount) > 0;

    public void AddPending(long bytes)
    {
        Interlocked.Increment(ref _pendingCount);
        Interlocked.Add(ref _pendingBytes, bytes);
    }

    public void RemovePending(long bytes)
    {
        Interlocked.Decrement(ref _pendingCount);
        Interlocked.Add(ref _pendingBytes, -bytes);
    }

    /// <summary>Registers a user (append or replay); false once closing started (the caller reopens or gives up).</summary>
    public bool TryEnter()
    {
        lock (_gate)
        {
            if (_closed)
                return false;
            _users++;
            return true;
        }
    }

    public void Exit()
    {
        lock (_gate)
        {
            if (--_users == 0 && _closed)
                _drained.TrySetResult();
        }
    }

    /// <summary>Refuses new users, cancels a running replay, waits for current users to leave, then closes the log.</summary>
    public async Task CloseAsync()
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _closed = true;
                if (_users == 0)
                    _drained.TrySetResult();
            }
        }
        await _closing.CancelAsync().ConfigureAwait(false);
        await _drained.Task.ConfigureAwait(false);
        try
        {
            await Log.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            ReplayLock.Dispose();
            _closing.Dispose();
        }
    }
}

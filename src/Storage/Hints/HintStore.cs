using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RingStore.Core.Data;
using RingStore.Storage.IO;

namespace RingStore.Storage.Hints;

/// <summary>
/// The coordinator's durable hints: for each target host that missed a write, a FasterLog under
/// <c>&lt;Directory&gt;/&lt;hostId&gt;/</c> holding the mutations in append order. <see cref="AppendAsync"/> returns once
/// the hint is fsynced (concurrent appends share one fsync); <see cref="ReplayAsync"/> delivers them in order,
/// throttled, deleting what was acknowledged. Thread-safe. See README.md in this folder for invariants and faults.
/// </summary>
public sealed class HintStore : IAsyncDisposable
{
    private readonly HintStoreOptions _options;
    private readonly IO.IStorageFileSystem _fs;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HintCounters _counters = new();
    private readonly HintReplayer _replayer;
    private readonly ConcurrentDictionary<Guid, HintTarget> _targets = new();
    // Serialises opening and deleting a target's directory: an append must never reopen a log being deleted.
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    // Hosts whose log was retired after a failed commit, with its closing (under _lifecycle): reopened by the first
    // append after the close completed, never moved aside.
    private readonly ConcurrentDictionary<Guid, Task> _reopenAfterFailure = new();
    private int _disposed;

    private HintStore(HintStoreOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _fs = options.FileSystem ?? IO.PhysicalFileSystem.Instance;
        _time = time;
        _logger = logger;
        _replayer = new HintReplayer(options, time, _counters, logger);
        MaxHintBytes = HintLog.MaxRecordBytesFor(options.SegmentSizeBytes) - HintRecord.HeaderBytes;
    }

    /// <summary>
    /// Opens the store, reopening every existing hint log (a restart keeps undelivered hints). A damaged log never
    /// stops startup: torn tails are cut, corrupt entries skipped and counted, and a log FasterLog cannot recover at
    /// all is moved aside (renamed <c>&lt;hostId&gt;.unreadable-&lt;unix ms&gt;</c>) with an error logged.
    /// </summary>
    public static HintStore Open(HintStoreOptions options, TimeProvider? time = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Directory);
        if (options.HintWindow <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.HintWindow, "HintWindow must be positive.");
        if (options.ReplayThrottleKiBPerSecond < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.ReplayThrottleKiBPerSecond, "ReplayThrottleKiBPerSecond must not be negative (0 = unlimited).");
        if (options.GroupCommitWindow < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.GroupCommitWindow, "GroupCommitWindow must not be negative.");
        if (options.PersistDeliveredEveryHints < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.PersistDeliveredEveryHints, "PersistDeliveredEveryHints must be at least 1.");
        if (options.OpenTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.OpenTimeout, "OpenTimeout must be positive.");
        HintLog.ValidateSegmentSize(options.SegmentSizeBytes);
        if (options.RunInline && options.ReplayThrottleKiBPerSecond != 0)
            throw new ArgumentException("RunInline needs ReplayThrottleKiBPerSecond 0: the throttle waits on a timer.", nameof(options));

        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<HintStore>();
        var store = new HintStore(options, time ?? TimeProvider.System, logger);
        store._fs.CreateDirectory(options.Directory);
        // Ordered, so an inline (simulated) store opens its logs in the same order every run.
        foreach (string dir in store._fs.ListDirectories(options.Directory).Order(StringComparer.Ordinal))
        {
            if (!Guid.TryParseExact(Path.GetFileName(dir), "D", out Guid hostId))
                continue; // not ours (e.g. a log moved aside)
            if (options.RunInline)
            {
                // No thread to give up on: the seam's I/O completes on the caller.
                if (store.TryOpenTarget(hostId, out var opened))
                    store._targets[hostId] = opened!;
                continue;
            }
            var opening = Task.Run(() => store.TryOpenTarget(hostId, out var opened) ? opened : null);
            try
            {
                if (opening.WaitAsync(options.OpenTimeout, store._time).GetAwaiter().GetResult() is { } target)
                    store._targets[hostId] = target;
            }
            catch (TimeoutException)
            {
                // The opening thread stays blocked inside FasterLog (nothing can cancel it); we give up on its files.
                logger.LogError("Hint log {Directory} did not open within {Timeout}; its hints are lost.", dir, options.OpenTimeout);
                store.MoveAside(dir);
            }
        }
        return store;
    }

    /// <summary>Largest serialized mutation a hint can carry (bounded by FasterLog's page size).</summary>
    public int MaxHintBytes { get; }

    /// <summary>Hosts that have undelivered hints (expired ones included until a replay drops them).</summary>
    public IReadOnlyCollection<Guid> Targets =>
        _targets.Values.Where(t => t.HasPending).Select(t => t.HostId).Concat(_reopenAfterFailure.Keys).Distinct().ToList(); // retired logs may hold hints

    /// <summary>Hints made durable by <see cref="AppendAsync"/> since this store was opened.</summary>
    public long StoredCount => _counters.Stored;

    /// <summary>Hints acknowledged by a replay's sender since open.</summary>
    public long DeliveredCount => _counters.Delivered;

    /// <summary>Hints dropped because they were older than the hint window at replay time, since open.</summary>
    public long DroppedCount => _counters.Dropped;

    /// <summary>Damaged hint-log regions skipped (at open and during replays) since open.</summary>
    public long CorruptSkippedCount => _counters.Corrupt;

    /// <summary>
    /// The undelivered hints of a target in append order, read back from its log (created-at, mutation); damaged
    /// entries are left out. For inspection (tools, the simulator's end-of-run check): while a replay or appends run
    /// it is a snapshot that may already be out of date.
    /// </summary>
    public IReadOnlyList<(DateTimeOffset CreatedAt, PartitionUpdate Mutation)> ReadPending(Guid targetHostId)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (TryEnterExistingAsync(targetHostId, CancellationToken.None).AsTask().GetAwaiter().GetResult() is not { } target)
            return [];
        try
        {
            var log = target.Log;
            var pending = new List<(DateTimeOffset, PartitionUpdate)>();
            foreach (var item in log.Scanner.Scan(log.DeliveredUntil, log.CommittedUntil, [.. target.Skip]))
            {
                if (!item.IsCorrupt && HintRecord.TryReadCreatedAt(item.Payload, out long createdAtMs)
                    && HintRecord.TryDecodeMutation(item.Payload, out var mutation, out _))
                    pending.Add((DateTimeOffset.FromUnixTimeMilliseconds(createdAtMs), mutation!));
            }
            return pending;
        }
        finally
        {
            target.Exit();
        }
    }

    public HintTargetStats GetStats(Guid targetHostId) =>
        _targets.TryGetValue(targetHostId, out var target) ? target.Stats : default;

    /// <summary>
    /// Stores a hint for <paramref name="targetHostId"/>; completes once it is durable (fsynced). Cancelling while
    /// waiting for the fsync leaves the outcome unknown: the hint may still be stored and replayed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The serialized mutation exceeds <see cref="MaxHintBytes"/>.</exception>
    public async ValueTask AppendAsync(Guid targetHostId, PartitionUpdate mutation, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(mutation);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ct.ThrowIfCancellationRequested();
        byte[] record = HintRecord.Encode(_time.GetUtcNow().ToUnixTimeMilliseconds(), mutation);
        if (record.Length - HintRecord.HeaderBytes > MaxHintBytes)
            throw new ArgumentOutOfRangeException(nameof(mutation), record.Length - HintRecord.HeaderBytes,
                $"A hinted mutation may not exceed {MaxHintBytes} serialized bytes.");
        var target = await EnterTargetAsync(targetHostId, ct).ConfigureAwait(false);
        bool logFailed = false;
        try
        {
            // Counted before the fsync so a replay that delivers it meanwhile never drives the count below zero.
            target.AddPending(record.Length);
            try
            {
                await target.Log.AppendAsync(record, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or FASTER.core.FasterException)
            {
                target.RemovePending(record.Length);
                logFailed = true;
                throw;
            }
            _counters.AddStored();
            if (_options.MaxHintsBytesPerHost > 0 && target.Stats.PendingBytes > _options.MaxHintsBytesPerHost)
                await DropOldestAsync(target).ConfigureAwait(false);
        }
        finally
        {
            target.Exit();
            if (logFailed) await RetireFailedAsync(target).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A commit of this target's log failed (the disk failed a write or fsync). FasterLog keeps that failure: every
    /// later commit of the log fails with it, so without this one disk hiccup would refuse every hint for the host
    /// until a restart (found by the simulator: an acknowledged QUORUM write never reached a replica). The log is taken
    /// out of use and closed in the background (a replay of it may still be running; it is cancelled); the first append
    /// after the close reopens it from disk, where recovery keeps what was committed and cuts the failed tail.
    /// </summary>
    private async Task RetireFailedAsync(HintTarget target)
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _disposed) != 0) return;
            if (!_targets.TryGetValue(target.HostId, out var current) || !ReferenceEquals(current, target)) return; // a concurrent append did it
            _targets.TryRemove(target.HostId, out _);
            // Not awaited: waiting here for a replay to leave could block the appending thread for as long as the
            // replay's send takes (and forever where the caller waits synchronously, as the simulator does).
            _reopenAfterFailure[target.HostId] = target.CloseAsync();
            _logger.LogWarning("The hint log for {Host} failed a commit; it is reopened from disk for the next hint", target.HostId);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Drops the oldest hints of a target over its cap, down to 90 % of it (so not every append trims), moving the
    /// delivered cursor past them durably. Skipped while a replay of the target runs: that replay is shrinking it.
    /// </summary>
    private async Task DropOldestAsync(HintTarget target)
    {
        if (!await target.ReplayLock.WaitAsync(0).ConfigureAwait(false)) return;
        try
        {
            long goal = _options.MaxHintsBytesPerHost * 9 / 10;
            var log = target.Log;
            int dropped = 0;
            foreach (var item in log.Scanner.Scan(log.DeliveredUntil, log.CommittedUntil, target.Skip))
            {
                if (target.Stats.PendingBytes <= goal) break;
                if (!item.IsCorrupt)
                {
                    target.RemovePending(item.Payload.Length);
                    _counters.AddDropped();
                    dropped++;
                }
                log.MarkDelivered(item.End);
            }
            await log.PersistDeliveredAsync().ConfigureAwait(false);
            if (dropped > 0)
                _logger.LogWarning("Hints for {Host} over the {Cap}-byte cap: dropped the {Dropped} oldest", target.HostId, _options.MaxHintsBytesPerHost, dropped);
        }
        finally
        {
            target.ReplayLock.Release();
        }
    }

    /// <summary>
    /// Replays <paramref name="targetHostId"/>'s hints in append order through <paramref name="send"/> (true =
    /// acknowledged), throttled to <see cref="HintStoreOptions.ReplayThrottleKiBPerSecond"/>. Expired hints are
    /// dropped; delivered and dropped hints are deleted. On false or an exception from <paramref name="send"/> it
    /// stops and the next replay resumes at that hint. Replays of one target run one at a time (a second call waits).
    /// </summary>
    public async Task<HintReplayResult> ReplayAsync(Guid targetHostId,
        Func<PartitionUpdate, CancellationToken, Task<bool>> send, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(send);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (await TryEnterExistingAsync(targetHostId, ct).ConfigureAwait(false) is not { } target)
            return HintReplayResult.Nothing;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, target.Closing);
            await target.ReplayLock.WaitAsync(linked.Token).ConfigureAwait(false);
            try
            {
                return await _replayer.RunAsync(target, send, linked.Token).ConfigureAwait(false);
            }
            finally
            {
                target.ReplayLock.Release();
            }
        }
        finally
        {
            target.Exit();
        }
    }

    /// <summary>Deletes every hint for a host (e.g. it left the cluster); a running replay for it is cancelled first.</summary>
    public async Task DeleteAllAsync(Guid targetHostId)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_targets.TryRemove(targetHostId, out var target))
                await target.CloseAsync().ConfigureAwait(false);
            if (_reopenAfterFailure.TryRemove(targetHostId, out var closing))
            {
                // A log retired after a failed commit may still be closing on these files: wait before deleting them.
                try
                {
                    await closing.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or FASTER.core.FasterException)
                {
                    // Its final commit failed as expected; the files go anyway.
                }
            }
            _fs.DeleteDirectory(TargetDirectory(targetHostId));
            _logger.LogInformation("Deleted all hints for {HostId}", targetHostId);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Synchronous <see cref="DeleteAllAsync"/>. Blocks until an in-flight replay for the host has stopped, so never
    /// call it from inside that replay's send callback.
    /// </summary>
    public void DeleteAll(Guid targetHostId) => DeleteAllAsync(targetHostId).GetAwaiter().GetResult();

    private async ValueTask<HintTarget> EnterTargetAsync(Guid hostId, CancellationToken ct)
    {
        while (true)
        {
            if (_targets.TryGetValue(hostId, out var existing) && existing.TryEnter())
                return existing;
            await _lifecycle.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                if (!_targets.TryGetValue(hostId, out var target))
                {
                    if (_reopenAfterFailure.TryGetValue(hostId, out var closing))
                    {
                        // Reopening after a failed commit: while the old log is still closing, or the disk still
                        // fails, the append fails and the files stay where they are (moving them aside, as at
                        // startup, would lose the hints they hold).
                        if (!closing.IsCompleted)
                            throw new IOException($"The hint log for {hostId} is still closing after a failed commit.");
                        _ = closing.Exception; // its final commit fails with the same error: expected, observed here
                        target = ReopenAfterFailure(hostId);
                    }
                    else if (!TryOpenTarget(hostId, out target))
                        throw new IOException($"Cannot open the hint log for {hostId} under {_options.Directory}.");
                    _targets[hostId] = target!;
                }
                if (target!.TryEnter())
                    return target;
            }
            finally
            {
                _lifecycle.Release();
            }
        }
    }

    /// <summary>
    /// Enters a host's open log, or reopens one retired after a failed commit (its hints are still on disk and must
    /// still be replayed even if no new hint for the host comes); null when there is none or it cannot be reopened yet.
    /// </summary>
    private async ValueTask<HintTarget?> TryEnterExistingAsync(Guid hostId, CancellationToken ct)
    {
        if (_targets.TryGetValue(hostId, out var open) && open.TryEnter()) return open;
        if (!_reopenAfterFailure.ContainsKey(hostId)) return null;
        try
        {
            return await EnterTargetAsync(hostId, ct).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return null; // still closing, or the disk still fails: the next round tries again
        }
    }

    private string TargetDirectory(Guid hostId) => Path.Combine(_options.Directory, hostId.ToString("D"));

    /// <summary>Opens a log retired by <see cref="RetireFailedAsync"/>; throws (leaving its files alone) if it cannot.</summary>
    private HintTarget ReopenAfterFailure(Guid hostId)
    {
        try
        {
            var target = OpenTarget(hostId);
            _reopenAfterFailure.TryRemove(hostId, out _);
            return target;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new IOException($"Cannot reopen the hint log for {hostId} after a failed commit: {ex.Message}", ex);
        }
    }

    private bool TryOpenTarget(Guid hostId, out HintTarget? target)
    {
        try
        {
            target = OpenTarget(hostId);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Hints are best-effort repair: an unrecoverable log must not keep the node from starting. Keep the
            // files for inspection, out of the way of a fresh log for the same host.
            string dir = TargetDirectory(hostId);
            _logger.LogError(ex, "Cannot open hint log {Directory}; its hints are lost.", dir);
            MoveAside(dir);
            target = null;
            return false;
        }
    }

    /// <summary>Opens and recovers a host's log (torn tails cut, corrupt regions counted); closes it again if that fails.</summary>
    private HintTarget OpenTarget(Guid hostId)
    {
        HintLog? log = null;
        try
        {
            log = HintLog.Open(TargetDirectory(hostId), _options.SegmentSizeBytes, _options.GroupCommitWindow, _time, _logger, _options.FileSystem, _options.RunInline);
            var recovery = HintLogRecovery.Run(log, _logger);
            _counters.AddCorrupt(recovery.CorruptRegions);
            return new HintTarget(hostId, log, recovery);
        }
        catch
        {
            try
            {
                log?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (Exception dispose) when (dispose is IOException or FASTER.core.FasterException)
            {
                // A failing disk fails the close's commit too; the open's error is the one to report.
            }
            throw;
        }
    }

    /// <summary>Keeps an unusable log's files for inspection, out of the way of a fresh log for the same host.</summary>
    private void MoveAside(string dir)
    {
        string aside = $"{dir}.unreadable-{_time.GetUtcNow().ToUnixTimeMilliseconds()}";
        try
        {
            if (_options.FileSystem is null)
            {
                if (Directory.Exists(dir))
                    Directory.Move(dir, aside);
            }
            else if (_fs.DirectoryExists(dir))
            {
                MoveFiles(dir, aside);
                _fs.DeleteDirectory(dir);
            }
            _logger.LogWarning("Moved unusable hint log {Directory} to {Aside}", dir, aside);
        }
        catch (IOException ex)
        {
            _logger.LogError(ex, "Could not move unusable hint log {Directory} aside", dir);
        }
    }

    /// <summary>A seam has no directory rename: moves every file (and subfolder) under <paramref name="from"/> by name.</summary>
    private void MoveFiles(string from, string to)
    {
        _fs.CreateDirectory(to);
        foreach (string file in _fs.ListFiles(from))
            _fs.Rename(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string sub in _fs.ListDirectories(from))
            MoveFiles(sub, Path.Combine(to, Path.GetFileName(sub)));
        _fs.SyncDirectory(to);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var closing in _reopenAfterFailure.Values)
            {
                try
                {
                    await closing.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or FASTER.core.FasterException)
                {
                    // A log retired after a failed commit fails its final commit too.
                }
            }
            foreach (var hostId in _targets.Keys.ToList())
            {
                if (!_targets.TryRemove(hostId, out var target))
                    continue;
                try
                {
                    await target.CloseAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    _logger.LogError(ex, "Closing the hint log for {HostId} failed", hostId);
                }
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }
}

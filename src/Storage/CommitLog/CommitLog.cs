using System.Numerics;
using FASTER.core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// The node's write-ahead log: opaque payloads (serialized mutations) appended before they are applied, replayed on
/// start, and released once the memtables covering them are flushed. Built on FasterLog with its per-entry checksums
/// plus our own XxHash32 frame. Thread-safe: any number of concurrent <see cref="AppendAsync"/> callers.
/// See README.md in this folder for the invariants and the fault model.
/// </summary>
public sealed class CommitLog : IAsyncDisposable, IDisposable
{
    internal const string SegmentBaseName = "commitlog.log";
    private const int MaxPageSizeBits = 24; // 16 MiB: an entry must fit in one FasterLog page
    private const int MinSegmentSizeBits = 16;
    private const int MaxSegmentSizeBits = 30;

    private readonly CommitLogOptions _options;
    private readonly ILogger _logger;
    private readonly IDevice _device;
    private readonly FasterLog _log;
    private readonly LogScanner _scanner;
    private readonly List<AddressRange> _skip;
    private readonly int _segmentSizeBits;
    private readonly ILogSyncer _syncer;
    private long _commitCount;
    private Exception? _syncFault;
    private int _disposed;

    private CommitLog(CommitLogOptions options, ILogger logger, IDevice device, FasterLog log, int pageSizeBits,
        int segmentSizeBits, TimeProvider time)
    {
        _options = options;
        _logger = logger;
        _device = device;
        _log = log;
        _segmentSizeBits = segmentSizeBits;
        _scanner = new LogScanner(log, pageSizeBits);
        MaxPayloadBytes = (int)(1L << pageSizeBits) - log.HeaderSize - EntryCodec.HeaderBytes;
        _skip = RecoveryCheck.Run(_scanner, log.BeginAddress, log.CommittedUntilAddress, options.Directory, options,
            Locate, logger);
        _syncer = options.SyncMode == CommitLogSyncMode.Group
            ? new GroupCommitter(CommitAndCountAsync, options.GroupCommitWindow, time, logger)
            : new PeriodicSyncer(CommitAndCountAsync, HasUnsynced, options.PeriodicSyncInterval, time, logger);
    }

    /// <summary>Opens (creating if needed) and recovers the log in <see cref="CommitLogOptions.Directory"/>.</summary>
    /// <exception cref="CommitLogCorruptionException">A corrupt entry in the middle of the log and SkipCorruptEntries is off.</exception>
    public static CommitLog Open(CommitLogOptions options, ILogger? logger = null) =>
        Open(options, logger, TimeProvider.System);

    internal static CommitLog Open(CommitLogOptions options, ILogger? logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Directory);
        long segment = options.SegmentSizeBytes;
        if (segment <= 0 || !BitOperations.IsPow2(segment) || segment < (1L << MinSegmentSizeBits) || segment > (1L << MaxSegmentSizeBits))
            throw new ArgumentOutOfRangeException(nameof(options), segment, "SegmentSizeBytes must be a power of two between 64 KiB and 1 GiB.");
        if (options.PeriodicSyncInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.PeriodicSyncInterval, "PeriodicSyncInterval must be positive.");
        if (options.GroupCommitWindow < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.GroupCommitWindow, "GroupCommitWindow must not be negative.");

        int segmentBits = BitOperations.Log2((ulong)segment);
        int pageBits = Math.Min(segmentBits, MaxPageSizeBits);
        System.IO.Directory.CreateDirectory(options.Directory);
        logger ??= NullLogger.Instance;

        // preallocateFile off: segments grow as written, so a small log costs little disk. deleteOnClose off: the
        // segments are the durable state. recoverDevice: learn which segments exist so truncation deletes the right ones.
        var device = Devices.CreateLogDevice(Path.Combine(options.Directory, SegmentBaseName),
            preallocateFile: false, deleteOnClose: false, recoverDevice: true);
        FasterLog? log = null;
        try
        {
            var settings = new FasterLogSettings
            {
                LogDevice = device,
                LogChecksum = LogChecksumType.PerEntry,
                PageSize = 1L << pageBits,
                MemorySize = 1L << (pageBits + 1),
                SegmentSize = segment,
                // Commit metadata goes beside the segments, in <Directory>/log-commits/, so the directory is the whole log.
                LogCommitDir = options.Directory,
                // We recover explicitly: FasterLog's constructor swallows recovery errors, and an unreadable log must
                // stop startup rather than silently start empty.
                TryRecoverLatest = false,
                AutoCommit = false,
            };
            log = new FasterLog(settings);
            log.Recover();
            var logId = LogIdFile.LoadOrCreate(options.Directory);
            return new CommitLog(options, logger, device, log, pageBits, segmentBits, time) { LogId = logId };
        }
        catch
        {
            log?.Dispose();
            device.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Identity of this log, created with it (file <c>commitlog.id</c>): positions of a log that was deleted and
    /// started again mean nothing for the new one, so records of positions (a table's replay floor) carry it.
    /// </summary>
    public Guid LogId { get; private init; }

    /// <summary>The release point: entries before it are gone (see <see cref="ReleaseUpTo"/>).</summary>
    public long BeginPosition => _log.BeginAddress;

    /// <summary>Largest payload one entry can carry (an entry must fit in one FasterLog page).</summary>
    public int MaxPayloadBytes { get; }

    /// <summary>Position after the last appended entry (appended, not necessarily durable yet in periodic mode).</summary>
    public long TailPosition => _log.TailAddress;

    /// <summary>Number of commits (flush + fsync + metadata write) issued so far; lets tests see group commit sharing.</summary>
    internal long CommitCount => Interlocked.Read(ref _commitCount);

    /// <summary>Position up to which appended entries are committed (durable).</summary>
    internal long DurablePosition => _log.CommittedUntilAddress;

    /// <summary>
    /// Appends one entry and returns its position. Periodic mode: returns once appended (durable within the sync
    /// interval). Group mode: returns only after an fsync covers it; concurrent writers within the window share one.
    /// Cancelling while waiting for the fsync throws, but the entry is already in the log and may still become durable
    /// and be replayed: treat a cancelled append as "outcome unknown", never as "not written".
    /// </summary>
    public async ValueTask<long> AppendAsync(ReadOnlyMemory<byte> payload, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ct.ThrowIfCancellationRequested();
        if (payload.Length > MaxPayloadBytes)
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"Commit-log payload exceeds {MaxPayloadBytes} bytes.");
        if (Volatile.Read(ref _syncFault) is { } fault)
            throw new IOException("The commit log can no longer sync to disk; refusing writes that could not be made durable.", fault);

        var entry = new EncodedEntry(payload);
        if (!_log.TryEnqueue(entry, out long position))
            position = await _log.EnqueueAsync(entry, ct).ConfigureAwait(false); // log buffer full: wait for a flush
        await _syncer.AfterAppendAsync(ct).ConfigureAwait(false);
        return position;
    }

    /// <summary>
    /// Entries after the last release point, in order, as of the last commit (call at startup, before appending).
    /// Skips the torn tail and, when SkipCorruptEntries is set, corrupt entries found at open.
    /// </summary>
    /// <exception cref="CommitLogCorruptionException">Corruption not seen at open (the files changed underneath).</exception>
    public IEnumerable<CommitLogEntry> Replay()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return ReplayIterator(_log.BeginAddress, _log.CommittedUntilAddress);
    }

    private IEnumerable<CommitLogEntry> ReplayIterator(long from, long until)
    {
        foreach (var item in _scanner.Scan(from, until, _skip))
        {
            if (item.IsCorrupt)
            {
                var (file, offset) = Locate(item.Position);
                throw new CommitLogCorruptionException(file, offset, item.Reason);
            }
            yield return new CommitLogEntry(item.Position, item.Payload);
        }
    }

    /// <summary>
    /// Entries before <paramref name="position"/> are no longer needed (their memtables were flushed). The new begin
    /// is committed so a reopen does not replay them; whole segments below it are deleted. <paramref name="position"/>
    /// must be an entry position (from AppendAsync or Replay) or <see cref="TailPosition"/>.
    /// </summary>
    public void ReleaseUpTo(long position)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        long tail = _log.TailAddress;
        if (position > tail)
            throw new ArgumentOutOfRangeException(nameof(position), position, $"Cannot release beyond the tail ({tail}).");
        if (position <= _log.BeginAddress)
            return;
        _log.TruncateUntil(position);
        // The begin address is persisted only by a commit; without it a reopen would replay flushed entries.
        CommitAndCountAsync().GetAwaiter().GetResult();
    }

    /// <summary>Forces a sync now: everything appended before the call is durable when the task completes.</summary>
    public Task FlushAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return CommitAndCountAsync();
    }

    private async Task CommitAndCountAsync()
    {
        try
        {
            await _log.CommitAsync().ConfigureAwait(false);
            Interlocked.Increment(ref _commitCount);
        }
        catch (Exception ex) when (ex is not ObjectDisposedException)
        {
            Interlocked.CompareExchange(ref _syncFault, ex, null);
            throw;
        }
    }

    private bool HasUnsynced() =>
        _log.TailAddress > _log.CommittedUntilAddress || _log.BeginAddress > _log.CommittedBeginAddress;

    /// <summary>Maps a log position to the segment file and the byte offset inside it (for operators).</summary>
    internal (string File, long Offset) Locate(long position) =>
        (Path.GetFullPath(Path.Combine(_options.Directory, $"{SegmentBaseName}.{position >> _segmentSizeBits}")),
            position & ((1L << _segmentSizeBits) - 1));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            await _syncer.DisposeAsync().ConfigureAwait(false);
            if (_syncFault is null)
                await _log.CommitAsync().ConfigureAwait(false); // a clean close loses nothing, even in periodic mode
        }
        finally
        {
            _log.Dispose();
            _device.Dispose();
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}

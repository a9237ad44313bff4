using System.Runtime.CompilerServices;
using FASTER.core;
using Microsoft.Extensions.Logging;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// One generation of the commit log: one FasterLog instance over one directory (segments, commit metadata, cut
/// ranges). Positions it takes and returns are global (<see cref="GenerationPositions"/>); FasterLog sees local
/// addresses. Once a commit fails, the generation is faulted for good: it never commits again (FasterLog cannot
/// recover a failed commit, and further commits on it were seen to leave no readable commit metadata), so its files
/// keep exactly what its last good commit made durable. <see cref="CommitLog"/> then starts the next generation.
/// </summary>
internal sealed class LogGeneration : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly IDevice _device;
    private readonly FasterLog _log;
    private readonly CheckedCommitManager _commits;
    private readonly LogScanner _scanner;
    private readonly List<AddressRange> _skip;
    private readonly int _segmentSizeBits;
    private readonly long _base;
    private ILogSyncer? _syncer;
    private long _commitCount;
    private Exception? _fault;
    private int _disposed;

    private LogGeneration(int number, string directory, ILogger logger, IDevice device, FasterLog log, CheckedCommitManager commits,
        int pageSizeBits, int segmentSizeBits, CommitLogOptions options, IO.IStorageFileSystem fs)
    {
        _commits = commits;
        Number = number;
        Directory = directory;
        _logger = logger;
        _device = device;
        _log = log;
        _segmentSizeBits = segmentSizeBits;
        _base = GenerationPositions.Base(number);
        _scanner = new LogScanner(log, pageSizeBits);
        MaxPayloadBytes = (int)(1L << pageSizeBits) - log.HeaderSize - EntryCodec.HeaderBytes;
        _skip = RecoveryCheck.Run(_scanner, log.BeginAddress, log.CommittedUntilAddress, fs, directory, options,
            LocateLocal, logger);
    }

    /// <summary>Opens (creating if needed) and recovers the FasterLog in <paramref name="directory"/>.</summary>
    public static LogGeneration Open(int number, string directory, CommitLogOptions options, int segmentBits, int pageBits,
        ILogger logger, TimeProvider time)
    {
        var fs = options.FileSystem ?? IO.PhysicalFileSystem.Instance;
        fs.CreateDirectory(directory);
        // preallocateFile off: segments grow as written, so a small log costs little disk. deleteOnClose off: the
        // segments are the durable state. recoverDevice: learn which segments exist so truncation deletes the right ones.
        // On a given file seam: our device over it, completing every I/O on the caller's thread.
        string segments = Path.Combine(directory, CommitLog.SegmentBaseName);
        IDevice device = options.FileSystem is { } seam
            ? new FileSystemLogDevice(seam, segments)
            : Devices.CreateLogDevice(segments, preallocateFile: false, deleteOnClose: false, recoverDevice: true);
        FasterLog? log = null;
        var commits = new CheckedCommitManager(fs, directory);
        try
        {
            var settings = new FasterLogSettings
            {
                LogDevice = device,
                LogChecksum = LogChecksumType.PerEntry,
                PageSize = 1L << pageBits,
                MemorySize = 1L << (pageBits + 1),
                SegmentSize = 1L << segmentBits,
                // Commit metadata goes beside the segments, in <directory>/log-commits/, so the directory is the whole
                // generation; written by us so a failed metadata write fails the commit (see CheckedCommitManager).
                LogCommitManager = commits,
                // We recover explicitly: FasterLog's constructor swallows recovery errors, and an unreadable log must
                // stop startup rather than silently start empty.
                TryRecoverLatest = false,
                AutoCommit = false,
            };
            log = new FasterLog(settings);
            log.Recover();
            var generation = new LogGeneration(number, directory, logger, device, log, commits, pageBits, segmentBits, options, fs);
            generation._syncer = (options.SyncMode, options.InlineSync) switch
            {
                (CommitLogSyncMode.Group, true) => new InlineCommitter(generation.CommitAndCountAsync),
                (CommitLogSyncMode.Group, false) => new GroupCommitter(generation.CommitAndCountAsync, options.GroupCommitWindow, time, logger),
                (_, true) => new InlineCommitter(null), // periodic, driven: synced only by FlushAsync
                _ => new PeriodicSyncer(generation.CommitAndCountAsync, generation.HasUnsynced, options.PeriodicSyncInterval, time, logger),
            };
            return generation;
        }
        catch
        {
            log?.Dispose();
            device.Dispose();
            throw;
        }
    }

    public int Number { get; }

    public string Directory { get; }

    public int MaxPayloadBytes { get; }

    /// <summary>The first failed commit, or null while the generation is healthy.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    public bool Faulted => Fault is not null;

    public long BeginPosition => _base + _log.BeginAddress;

    public long TailPosition => _base + _log.TailAddress;

    public long DurablePosition => _base + _log.CommittedUntilAddress;

    /// <summary>Bytes not yet released (FasterLog addresses: entries plus page padding).</summary>
    public long LiveBytes => _log.TailAddress - _log.BeginAddress;

    /// <summary>Commits that succeeded (the probe of a new generation is not counted).</summary>
    public long CommitCount => Interlocked.Read(ref _commitCount);

    // Pooled state-machine box: with group sync every append waits for the commit (callers await it once).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<long> AppendAsync(ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        if (Fault is { } fault)
            throw new IOException("The commit log can no longer sync to disk; refusing writes that could not be made durable.", fault);
        var entry = new EncodedEntry(payload);
        if (!_log.TryEnqueue(entry, out long address))
            address = await _log.EnqueueAsync(entry, ct).ConfigureAwait(false); // log buffer full: wait for a flush
        try
        {
            await _syncer!.AfterAppendAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException and not IOException)
        {
            // FasterLog's CommitFailureException: a disk failure like any other to the callers (and never an ack).
            throw new IOException($"The commit-log commit covering this entry failed: {e.Message}", e);
        }
        return _base + address;
    }

    public IEnumerable<CommitLogEntry> Replay() => ReplayIterator(_log.BeginAddress, _log.CommittedUntilAddress);

    private IEnumerable<CommitLogEntry> ReplayIterator(long from, long until)
    {
        foreach (var item in _scanner.Scan(from, until, _skip))
        {
            if (item.IsCorrupt)
            {
                var (file, offset) = LocateLocal(item.Position);
                throw new CommitLogCorruptionException(file, offset, item.Reason);
            }
            yield return new CommitLogEntry(_base + item.Position, item.Payload);
        }
    }

    /// <summary>TruncateUntil + commit (see CommitLog.ReleaseUpTo). Only ever called on a healthy generation.</summary>
    public void ReleaseUpTo(long position)
    {
        long local = position - _base;
        if (local <= _log.BeginAddress)
            return;
        _log.TruncateUntil(local);
        // The begin address is persisted only by a commit; without it a reopen would replay flushed entries.
        CommitAndCountAsync().GetAwaiter().GetResult();
    }

    public Task CommitAsync() => CommitAndCountAsync();

    private async Task CommitAndCountAsync()
    {
        // Never commit a faulted FasterLog again: its last good commit metadata must stay the readable one.
        if (Fault is { } fault)
            throw new IOException("The commit log generation failed a commit earlier; it takes no further commits.", fault);
        try
        {
            await _log.CommitAsync().ConfigureAwait(false);
            // FasterLog reports the commit done even when writing its metadata failed; without the metadata a
            // recovery would not see these entries, so they are not durable: fail the commit.
            if (_commits.Failure is { } metadata)
                throw new IOException($"Writing the commit-log commit metadata failed: {metadata.Message}", metadata);
            Interlocked.Increment(ref _commitCount);
        }
        catch (Exception ex) when (ex is not ObjectDisposedException)
        {
            if (Interlocked.CompareExchange(ref _fault, ex, null) is null)
                _logger.LogError(ex, "Commit-log generation {Generation} failed a commit; no further commits go to it", Number);
            if (ex is IOException) throw;
            // FasterLog's CommitFailureException: a disk failure like any other to the callers.
            throw new IOException($"The commit-log commit failed: {ex.Message}", ex);
        }
    }

    private bool HasUnsynced() =>
        !Faulted && (_log.TailAddress > _log.CommittedUntilAddress || _log.BeginAddress > _log.CommittedBeginAddress);

    public (string File, long Offset) Locate(long position) => LocateLocal(position - _base);

    private (string File, long Offset) LocateLocal(long address) =>
        (Path.GetFullPath(Path.Combine(Directory, $"{CommitLog.SegmentBaseName}.{address >> _segmentSizeBits}")),
            address & ((1L << _segmentSizeBits) - 1));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            if (_syncer is not null)
                await _syncer.DisposeAsync().ConfigureAwait(false);
            if (!Faulted)
                await _log.CommitAsync().ConfigureAwait(false); // a clean close loses nothing, even in periodic mode
        }
        finally
        {
            _log.Dispose();
            _device.Dispose();
        }
    }
}

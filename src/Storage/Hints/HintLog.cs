using System.Numerics;
using FASTER.core;
using Microsoft.Extensions.Logging;
using RingStore.Storage.CommitLog;

namespace RingStore.Storage.Hints;

/// <summary>
/// The hint log of one target host: a FasterLog (per-entry checksums on) whose entries use the commit log's
/// XxHash32 frame (<see cref="EncodedEntry"/>), with group commit (<see cref="GroupCommitter"/>) and the commit
/// log's scanner for reading back. FasterLog's begin address is the durable "delivered up to" cursor:
/// <see cref="MarkDelivered"/> moves it in memory (FasterLog deletes nothing physically before a commit) and
/// <see cref="PersistDeliveredAsync"/> commits it, after which whole segments below it are deleted.
/// </summary>
internal sealed class HintLog : IAsyncDisposable
{
    internal const string SegmentBaseName = "hints.log";
    private const int MaxPageSizeBits = 24; // an entry must fit in one FasterLog page
    private const int MinSegmentSizeBits = 16;
    private const int FasterLogPerEntryHeaderBytes = 12; // 4-byte length + 8-byte checksum (LogChecksumType.PerEntry)
    private const int MaxSegmentSizeBits = 30;

    private readonly IDevice _device;
    private readonly FasterLog _log;
    private readonly LogScanner _scanner;
    private readonly ILogSyncer _committer;
    private readonly bool _inline;
    private readonly int _segmentSizeBits;
    private readonly string _directory;
    private readonly CheckedCommitManager _commits;
    private int _disposed;

    private HintLog(string directory, IDevice device, FasterLog log, CheckedCommitManager commits, int pageSizeBits, int segmentSizeBits,
        TimeSpan groupCommitWindow, TimeProvider time, ILogger logger, bool inline)
    {
        _directory = directory;
        _inline = inline;
        _commits = commits;
        _device = device;
        _log = log;
        _segmentSizeBits = segmentSizeBits;
        _scanner = new LogScanner(log, pageSizeBits);
        MaxRecordBytes = (int)(1L << pageSizeBits) - log.HeaderSize - EntryCodec.HeaderBytes;
        System.Diagnostics.Debug.Assert(log.HeaderSize == FasterLogPerEntryHeaderBytes);
        // Inline (the simulator): each append commits on the caller, and the caller sees the commit finished when
        // the call returns (FasterLog may complete a commit on a pool thread; nothing may continue there).
        _committer = inline
            ? new InlineCommitter(CommitOnCaller)
            : new GroupCommitter(CommitCheckedAsync, groupCommitWindow, time, logger);
    }

    /// <summary>One checked commit, waited for on the caller's thread (inline mode): returns a completed task.</summary>
    private Task CommitOnCaller()
    {
        CommitCheckedAsync().GetAwaiter().GetResult();
        return Task.CompletedTask;
    }

    /// <summary>
    /// One FasterLog commit that fails when its metadata could not be written (FASTER's own metadata writer ignores
    /// that failure, reports the commit done and deletes the previous commit: on a full disk the whole hint log was
    /// then lost at the next open). After such a failure the log takes no more commits; hints stop being stored
    /// (counted, and the write's outcome is still decided by the acks) until the node restarts with space.
    /// </summary>
    private async Task CommitCheckedAsync()
    {
        if (_commits.Failure is { } earlier) throw new IOException("The hint log's commit metadata could not be written earlier.", earlier);
        await _log.CommitAsync().ConfigureAwait(false);
        if (_commits.Failure is { } failure) throw new IOException("The hint log's commit metadata could not be written.", failure);
    }

    /// <summary>Checks the segment size; returns FasterLog's (page bits, segment bits).</summary>
    public static (int PageBits, int SegmentBits) ValidateSegmentSize(long segmentSizeBytes)
    {
        if (segmentSizeBytes <= 0 || !BitOperations.IsPow2(segmentSizeBytes)
            || segmentSizeBytes < (1L << MinSegmentSizeBits) || segmentSizeBytes > (1L << MaxSegmentSizeBits))
            throw new ArgumentOutOfRangeException(nameof(segmentSizeBytes), segmentSizeBytes,
                "SegmentSizeBytes must be a power of two between 64 KiB and 1 GiB.");
        int segmentBits = BitOperations.Log2((ulong)segmentSizeBytes);
        return (Math.Min(segmentBits, MaxPageSizeBits), segmentBits);
    }

    /// <summary>Largest record an entry can carry: it must fit in one FasterLog page with both headers.</summary>
    public static int MaxRecordBytesFor(long segmentSizeBytes) =>
        (1 << ValidateSegmentSize(segmentSizeBytes).PageBits) - FasterLogPerEntryHeaderBytes - EntryCodec.HeaderBytes;

    /// <summary>Opens (creating if needed) the log in <paramref name="directory"/> and recovers its last commit.</summary>
    /// <param name="fileSystem">Null: the real disk with FASTER's file device; else every file through this seam
    /// (segments on <see cref="FileSystemLogDevice"/>, I/O completing on the caller's thread).</param>
    /// <param name="inline">Commit on the caller's thread, no commit loop (see <see cref="HintStoreOptions.RunInline"/>).</param>
    public static HintLog Open(string directory, long segmentSizeBytes, TimeSpan groupCommitWindow, TimeProvider time,
        ILogger logger, IO.IStorageFileSystem? fileSystem = null, bool inline = false)
    {
        var (pageBits, segmentBits) = ValidateSegmentSize(segmentSizeBytes);
        var fs = fileSystem ?? IO.PhysicalFileSystem.Instance;
        fs.CreateDirectory(directory);
        // Same device choices as the commit log: segments grow as written, survive close, and the device learns
        // which segments exist so a truncation deletes the right files.
        string segments = Path.Combine(directory, SegmentBaseName);
        IDevice device = fileSystem is not null
            ? new FileSystemLogDevice(fileSystem, segments)
            : Devices.CreateLogDevice(segments, preallocateFile: false, deleteOnClose: false, recoverDevice: true);
        FasterLog? log = null;
        var commits = new CheckedCommitManager(fs, directory);
        try
        {
            log = new FasterLog(new FasterLogSettings
            {
                LogDevice = device,
                LogChecksum = LogChecksumType.PerEntry,
                PageSize = 1L << pageBits,
                MemorySize = 1L << (pageBits + 1),
                SegmentSize = segmentSizeBytes,
                // Our checked metadata writer (see CommitCheckedAsync); reads commits FASTER wrote here before.
                LogCommitManager = commits,
                // Explicit recovery: the constructor would swallow a failure and start empty without telling us.
                TryRecoverLatest = false,
                AutoCommit = false,
            });
            log.Recover();
            return new HintLog(directory, device, log, commits, pageBits, segmentBits, groupCommitWindow, time, logger, inline) { FileSystem = fs };
        }
        catch
        {
            log?.Dispose();
            device.Dispose();
            throw;
        }
    }

    /// <summary>Largest hint record one entry can carry.</summary>
    public int MaxRecordBytes { get; }

    public string Directory => _directory;

    /// <summary>The seam its files are on (its cut-ranges record goes there too).</summary>
    internal IO.IStorageFileSystem FileSystem { get; private init; } = IO.PhysicalFileSystem.Instance;

    /// <summary>Everything before this is delivered (or dropped); durable once <see cref="PersistDeliveredAsync"/> ran.</summary>
    public long DeliveredUntil => _log.BeginAddress;

    /// <summary>Entries below this are durable and may be replayed.</summary>
    public long CommittedUntil => _log.CommittedUntilAddress;

    public LogScanner Scanner => _scanner;

    /// <summary>
    /// Appends one hint record; completes after a commit (fsync) covering it, shared with concurrent appenders.
    /// Cancellation while waiting for the fsync leaves the outcome unknown (the hint may still be stored).
    /// </summary>
    public async ValueTask AppendAsync(ReadOnlyMemory<byte> record, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (record.Length > MaxRecordBytes)
            throw new ArgumentOutOfRangeException(nameof(record), record.Length, $"A hint may not exceed {MaxRecordBytes} bytes.");
        var entry = new EncodedEntry(record);
        if (!_log.TryEnqueue(entry, out _))
            await _log.EnqueueAsync(entry, ct).ConfigureAwait(false); // page buffer full: wait for a flush
        await _committer.AfterAppendAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Moves the delivered cursor forward (in memory; FasterLog deletes nothing before the next commit).</summary>
    public void MarkDelivered(long position)
    {
        if (position > _log.BeginAddress)
            _log.TruncateUntil(position);
    }

    /// <summary>Makes the delivered cursor durable: one commit; segments wholly below it are then deleted.</summary>
    public async Task PersistDeliveredAsync()
    {
        if (_log.BeginAddress > _log.CommittedBeginAddress)
            await (_inline ? CommitOnCaller() : CommitCheckedAsync()).ConfigureAwait(false);
    }

    /// <summary>Segment file and offset of a position, for warnings an operator can act on.</summary>
    public (string File, long Offset) Locate(long position) =>
        (Path.GetFullPath(Path.Combine(_directory, $"{SegmentBaseName}.{position >> _segmentSizeBits}")),
            position & ((1L << _segmentSizeBits) - 1));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            await _committer.DisposeAsync().ConfigureAwait(false);
            if (_commits.Failure is null) await _log.CommitAsync().ConfigureAwait(false); // persists the last delivered cursor too
        }
        finally
        {
            _log.Dispose();
            _device.Dispose();
        }
    }
}

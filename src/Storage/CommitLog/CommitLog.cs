using System.Numerics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// The node's write-ahead log: opaque payloads (serialized mutations) appended before they are applied, replayed on
/// start, and released once the memtables covering them are flushed. Built on FasterLog with its per-entry checksums
/// plus our own XxHash32 frame. Thread-safe: any number of concurrent <see cref="AppendAsync"/> callers.
///
/// The log is a sequence of generations (<see cref="LogGeneration"/>), each its own FasterLog in its own directory.
/// Appends go to the newest. When its commit fails (a full disk, an I/O error), it is never written again, and a
/// later append starts the next generation in a fresh directory once the disk takes a commit again
/// (<see cref="GenerationRetry"/>), so the log recovers in the same process. Positions are global and grow across
/// generations (<see cref="GenerationPositions"/>). See README.md in this folder for the invariants and the fault model.
/// </summary>
public sealed class CommitLog : IAsyncDisposable, IDisposable
{
    internal const string SegmentBaseName = "commitlog.log";
    private const int MaxPageSizeBits = 24; // 16 MiB: an entry must fit in one FasterLog page
    private const int MinSegmentSizeBits = 16;
    private const int MaxSegmentSizeBits = 30;

    private readonly CommitLogOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _segmentBits;
    private readonly int _pageBits;
    private readonly GenerationRetry _retry;
    private readonly Lock _gate = new(); // guards _generations and generation changes
    private readonly List<LogGeneration> _generations; // oldest first; the last is _current
    private LogGeneration _current;
    private int _olderGenerations;
    private int _retryResetFor;
    private int _disposed;

    private CommitLog(CommitLogOptions options, ILogger logger, TimeProvider time, int segmentBits, int pageBits,
        List<LogGeneration> generations)
    {
        _options = options;
        _logger = logger;
        _time = time;
        _segmentBits = segmentBits;
        _pageBits = pageBits;
        _generations = generations;
        _current = generations[^1];
        _olderGenerations = generations.Count - 1;
        _retry = new GenerationRetry(time, options.GenerationRetryFirstDelay, options.GenerationRetryMaxDelay);
        MaxPayloadBytes = _current.MaxPayloadBytes;
    }

    /// <summary>Opens (creating if needed) and recovers the log in <see cref="CommitLogOptions.Directory"/>.</summary>
    /// <exception cref="CommitLogCorruptionException">A corrupt entry in the middle of the log and SkipCorruptEntries is off.</exception>
    public static CommitLog Open(CommitLogOptions options, ILogger? logger = null) =>
        Open(options, logger, TimeProvider.System);

    /// <summary>As <see cref="Open(CommitLogOptions, ILogger?)"/>, with the clock for syncs and new-generation retries.</summary>
    public static CommitLog Open(CommitLogOptions options, ILogger? logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Directory);
        long segment = options.SegmentSizeBytes;
        if (segment <= 0 || !BitOperations.IsPow2(segment) || segment < (1L << MinSegmentSizeBits) || segment > (1L << MaxSegmentSizeBits))
            throw new ArgumentOutOfRangeException(nameof(options), segment, "SegmentSizeBytes must be a power of two between 64 KiB and 1 GiB.");
        if (options.PeriodicSyncInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.PeriodicSyncInterval, "PeriodicSyncInterval must be positive.");
        if (options.GroupCommitWindow < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.GroupCommitWindow, "GroupCommitWindow must not be negative.");
        if (options.GenerationRetryFirstDelay < TimeSpan.Zero || options.GenerationRetryMaxDelay < options.GenerationRetryFirstDelay)
            throw new ArgumentOutOfRangeException(nameof(options), "GenerationRetryFirstDelay must not be negative nor above GenerationRetryMaxDelay.");

        int segmentBits = BitOperations.Log2((ulong)segment);
        int pageBits = Math.Min(segmentBits, MaxPageSizeBits);
        var fs = options.FileSystem ?? IO.PhysicalFileSystem.Instance;
        fs.CreateDirectory(options.Directory);
        logger ??= NullLogger.Instance;

        var generations = new List<LogGeneration>();
        try
        {
            // Every generation is opened (recovered and verified) now, oldest first: Replay reads them all in order.
            // Appends go on in the newest; older ones are only read, and deleted once released past.
            foreach (int n in GenerationDirectory.OpenExisting(fs, options.Directory))
                generations.Add(LogGeneration.Open(n, GenerationDirectory.PathOf(options.Directory, n), options, segmentBits, pageBits, logger, time));
            var logId = LogIdFile.LoadOrCreate(fs, options.Directory);
            if (generations.Count > 1)
                logger.LogInformation("Commit log has {Count} generations ({First}..{Last}); older ones go once every table has flushed past them",
                    generations.Count, generations[0].Number, generations[^1].Number);
            return new CommitLog(options, logger, time, segmentBits, pageBits, generations) { LogId = logId };
        }
        catch
        {
            foreach (var g in generations)
                g.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>
    /// Identity of this log, created with it (file <c>commitlog.id</c>): positions of a log that was deleted and
    /// started again mean nothing for the new one, so records of positions (a table's replay floor) carry it.
    /// All generations share it.
    /// </summary>
    public Guid LogId { get; private init; }

    /// <summary>The release point: entries before it are gone (see <see cref="ReleaseUpTo"/>).</summary>
    public long BeginPosition
    {
        get
        {
            lock (_gate) return _generations[0].BeginPosition;
        }
    }

    /// <summary>Largest payload one entry can carry (an entry must fit in one FasterLog page).</summary>
    public int MaxPayloadBytes { get; }

    /// <summary>Position after the last appended entry (appended, not necessarily durable yet in periodic mode).</summary>
    public long TailPosition => Volatile.Read(ref _current).TailPosition;

    /// <summary>Bytes not yet released, all generations together (what the commit-log size cap limits).</summary>
    public long LiveBytes => GenerationBookkeeping.TotalBytes(Spans());

    /// <summary>
    /// Whether generations older than the current one are still kept (tables have not flushed past them yet). The
    /// engine then flushes the tables that pin them, so their files go soon (and, in periodic mode, so entries
    /// acknowledged in a failed generation after its last good sync become durable in SSTables).
    /// </summary>
    public bool HasOlderGenerations => Volatile.Read(ref _olderGenerations) > 0;

    /// <summary>First position of the current generation: releasing up to it deletes every older one.</summary>
    public long CurrentGenerationStart => GenerationPositions.Base(Volatile.Read(ref _current).Number);

    /// <summary>The position that, released up to, leaves at most <paramref name="keepBytes"/> of the newest log.</summary>
    public long PositionKeeping(long keepBytes) => GenerationBookkeeping.PositionKeeping(Spans(), keepBytes);

    /// <summary>The number of the generation appends go to (1 until a commit has failed).</summary>
    internal int CurrentGeneration => Volatile.Read(ref _current).Number;

    /// <summary>Number of commits (flush + fsync + metadata write) issued so far; lets tests see group commit sharing.</summary>
    internal long CommitCount
    {
        get
        {
            lock (_gate) return _generations.Sum(g => g.CommitCount);
        }
    }

    /// <summary>Position up to which appended entries are committed (durable), in the current generation.</summary>
    internal long DurablePosition => Volatile.Read(ref _current).DurablePosition;

    private GenerationSpan[] Spans()
    {
        lock (_gate) return _generations.Select(g => new GenerationSpan(g.Number, g.BeginPosition, g.TailPosition)).ToArray();
    }

    /// <summary>
    /// Appends one entry and returns its position. Periodic mode: returns once appended (durable within the sync
    /// interval). Group mode: returns only after an fsync covers it; concurrent writers within the window share one.
    /// Cancelling while waiting for the fsync throws, but the entry is already in the log and may still become durable
    /// and be replayed: treat a cancelled append as "outcome unknown", never as "not written".
    /// </summary>
    /// <exception cref="IOException">The current generation failed a commit and no new one could be started yet;
    /// or the commit covering this entry failed (the entry is not durable and must not be acknowledged).</exception>
    // Pooled state-machine box: with group sync every append waits for the commit (callers await it once).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<long> AppendAsync(ReadOnlyMemory<byte> payload, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ct.ThrowIfCancellationRequested();
        if (payload.Length > MaxPayloadBytes)
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"Commit-log payload exceeds {MaxPayloadBytes} bytes.");
        var generation = Volatile.Read(ref _current);
        if (generation.Faulted)
            generation = TryStartNextGeneration(generation);
        return await generation.AppendAsync(payload, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The current generation failed: start the next one if the retry schedule allows and its directory takes a
    /// commit; otherwise return the failed one (its append then throws, so the write is refused, not acknowledged).
    /// Serialized under the lock so concurrent writers start one generation, not many.
    /// </summary>
    private LogGeneration TryStartNextGeneration(LogGeneration failed)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_current, failed) || Volatile.Read(ref _disposed) != 0)
                return _current; // another writer already moved on (or we are closing: the append fails on the faulted one)
            if (failed.CommitCount > 0 && _retryResetFor != failed.Number)
            {
                _retryResetFor = failed.Number; // it worked before failing: retry at once, then back off again
                _retry.Reset();
            }
            if (!_retry.TryBeginAttempt())
                return failed;
            int number = failed.Number + 1;
            if (number > GenerationPositions.MaxGeneration)
                return failed;
            string directory = GenerationDirectory.PathOf(_options.Directory, number);
            LogGeneration next;
            try
            {
                // Opening writes nothing but the directory; whether the disk takes commits again shows at the first
                // append's commit. If it does not, that generation faults too (nothing in it was acknowledged in group
                // mode) and the next attempt waits longer (GenerationRetry), so a disk that stays full collects at
                // most one small generation per GenerationRetryMaxDelay; each is deleted once released past.
                next = LogGeneration.Open(number, directory, _options, _segmentBits, _pageBits, _logger, _time);
            }
#pragma warning disable CA1031 // any failure means "not yet": the writer gets the original failure
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.LogWarning("Commit log: generation {Generation} could not start yet ({Error}); writes stay refused, will retry",
                    number, e.Message);
                return failed;
            }
            _generations.Add(next);
            Volatile.Write(ref _olderGenerations, _generations.Count - 1);
            Volatile.Write(ref _current, next);
            _logger.LogWarning(
                "Commit log resumed in generation {Generation} ({Directory}) after generation {Failed} failed a commit; " +
                "the failed one is kept, read-only, until every table has flushed past it",
                number, directory, failed.Number);
            return next;
        }
    }

    /// <summary>
    /// Entries after the last release point, in order, as of the last commit (call at startup, before appending):
    /// every generation, oldest first. Skips the torn tails and, when SkipCorruptEntries is set, corrupt entries found at open.
    /// </summary>
    /// <exception cref="CommitLogCorruptionException">Corruption not seen at open (the files changed underneath).</exception>
    public IEnumerable<CommitLogEntry> Replay()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        LogGeneration[] generations;
        lock (_gate) generations = _generations.ToArray();
        return generations.SelectMany(g => g.Replay());
    }

    /// <summary>
    /// Entries before <paramref name="position"/> are no longer needed (their memtables were flushed). Generations
    /// wholly before it are deleted; in the current generation the new begin is committed so a reopen does not replay
    /// them, and whole segments below it are deleted. A generation that failed a commit is never written again, so it
    /// is released only whole. <paramref name="position"/> must be an entry position (from AppendAsync or Replay) or
    /// <see cref="TailPosition"/>.
    /// </summary>
    public void ReleaseUpTo(long position)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        LogGeneration? truncate = null;
        lock (_gate)
        {
            long tail = _current.TailPosition;
            if (position > tail)
                throw new ArgumentOutOfRangeException(nameof(position), position, $"Cannot release beyond the tail ({tail}).");
            var spans = _generations.Select(g => new GenerationSpan(g.Number, g.BeginPosition, g.TailPosition)).ToArray();
            foreach (int number in GenerationBookkeeping.Deletable(spans, position))
            {
                var old = _generations.First(g => g.Number == number);
                // Nothing appends to an old generation any more: a writer that picked it before the switch holds a
                // memtable whose lowest position pins it, so the release cannot have passed it yet.
                old.DisposeAsync().AsTask().GetAwaiter().GetResult();
                GenerationDirectory.Delete(_options.FileSystem ?? IO.PhysicalFileSystem.Instance, _options.Directory, number);
                _generations.Remove(old);
                _logger.LogInformation("Commit log: deleted generation {Generation}; every table has flushed past it", number);
            }
            Volatile.Write(ref _olderGenerations, _generations.Count - 1);
            if (GenerationPositions.GenerationOf(position) == _current.Number && !_current.Faulted)
                truncate = _current;
        }
        truncate?.ReleaseUpTo(position);
    }

    /// <summary>Forces a sync now: everything appended before the call is durable when the task completes.</summary>
    /// <exception cref="IOException">The current generation failed a commit (its unsynced entries cannot be made durable).</exception>
    public Task FlushAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Volatile.Read(ref _current).CommitAsync();
    }

    /// <summary>Maps a log position to the segment file and the byte offset inside it (for operators).</summary>
    internal (string File, long Offset) Locate(long position)
    {
        int number = GenerationPositions.GenerationOf(position);
        lock (_gate)
        {
            var generation = _generations.FirstOrDefault(g => g.Number == number) ?? _current;
            return generation.Locate(position);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        LogGeneration[] generations;
        lock (_gate) generations = _generations.ToArray();
        Exception? first = null;
        foreach (var g in generations)
        {
            try
            {
                await g.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // close every generation, then report the first failure
            catch (Exception e)
#pragma warning restore CA1031
            {
                first ??= e;
            }
        }
        if (first is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}

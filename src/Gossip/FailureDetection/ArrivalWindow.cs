namespace RingStore.Gossip.FailureDetection;

/// <summary>
/// Bounded window of heartbeat inter-arrival intervals for one endpoint, with a running sum so the mean
/// is O(1). Intervals longer than the cap (by default the initial estimate) are dropped
/// (see <see cref="FailureDetectorOptions.InitialInterval"/> and <see cref="FailureDetectorOptions.MaxRecordedInterval"/>).
/// </summary>
/// <remarks>
/// A node holds one window per peer (25 M windows in a 5,000-node simulation), so the intervals are int ticks in
/// chunks of the detector's <see cref="IntervalChunkPool"/>. Ticks convert to milliseconds with
/// <see cref="TimeSpan.TotalMilliseconds"/>, exactly as the TimeSpan difference they came from would: the running
/// sum and phi are bit-for-bit those of a plain array of double milliseconds.
/// </remarks>
public sealed class ArrivalWindow
{
    private const long NoArrival = long.MinValue;

    private readonly IntervalChunkPool _pool;
    private readonly int _capacity;
    private readonly int _maxIntervalTicks;
    private readonly int _initialTicks;
    private int _count;
    private int _headChunk = IntervalChunkPool.NoChunk;
    private int _headSlot;
    private int _tailChunk = IntervalChunkPool.NoChunk;
    private int _tailSlot;
    private double _sumMs;
    private long _lastArrivalTicks = NoArrival;

    public ArrivalWindow(int capacity, TimeSpan initialInterval)
        : this(capacity, initialInterval, new IntervalChunkPool())
    {
    }

    internal ArrivalWindow(int capacity, TimeSpan initialInterval, IntervalChunkPool pool)
        : this(capacity, initialInterval, initialInterval, pool)
    {
    }

    /// <param name="maxInterval">Longest interval recorded; longer gaps (a partition, a restart) are not.</param>
    internal ArrivalWindow(int capacity, TimeSpan initialInterval, TimeSpan maxInterval, IntervalChunkPool pool)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        // Intervals are stored as int ticks: an interval above ~214 s would not fit (and is not a sane estimate).
        ArgumentOutOfRangeException.ThrowIfGreaterThan(initialInterval.Ticks, int.MaxValue, nameof(initialInterval));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxInterval.Ticks, int.MaxValue, nameof(maxInterval));
        _pool = pool;
        _capacity = capacity;
        _initialTicks = (int)initialInterval.Ticks;
        _maxIntervalTicks = (int)Math.Max(maxInterval.Ticks, initialInterval.Ticks);
    }

    public TimeSpan? LastArrival => _lastArrivalTicks == NoArrival ? null : TimeSpan.FromTicks(_lastArrivalTicks);

    public int Count => _count;

    public double MeanMs => _count == 0 ? ToMs(_initialTicks) : _sumMs / _count;

    public void Add(TimeSpan now)
    {
        if (_lastArrivalTicks != NoArrival)
        {
            long intervalTicks = now.Ticks - _lastArrivalTicks;
            if (intervalTicks <= _maxIntervalTicks && intervalTicks >= 0)
            {
                Record((int)intervalTicks);
            }
        }
        else
        {
            // Err high until real intervals arrive: a false "down" causes flapping, a late one only waits longer.
            Record(_initialTicks);
        }
        _lastArrivalTicks = now.Ticks;
    }

    /// <summary>phi = -log10(P(no heartbeat for this long)) with exponentially distributed arrivals.</summary>
    public double Phi(TimeSpan now)
    {
        if (_lastArrivalTicks == NoArrival || _count == 0)
        {
            return 0;
        }
        double sinceMs = Math.Max(0, ToMs(now.Ticks - _lastArrivalTicks));
        return sinceMs / MeanMs / Math.Log(10);
    }

    /// <summary>Returns the chunks to the pool and forgets everything (the detector dropped this endpoint).</summary>
    internal void Release()
    {
        while (_headChunk != IntervalChunkPool.NoChunk)
        {
            int next = _pool.Link(_headChunk);
            _pool.Free(_headChunk);
            _headChunk = next;
        }
        _tailChunk = IntervalChunkPool.NoChunk;
        _count = 0;
        _sumMs = 0;
        _lastArrivalTicks = NoArrival;
    }

    // The same double a TimeSpan difference of these ticks reports, so the sum never drifts from the double version.
    private static double ToMs(long ticks) => TimeSpan.FromTicks(ticks).TotalMilliseconds;

    private void Record(int intervalTicks)
    {
        if (_count == _capacity)
        {
            _sumMs -= ToMs(RemoveOldest());
        }
        else
        {
            _count++;
        }
        Append(intervalTicks);
        _sumMs += ToMs(intervalTicks);
    }

    private void Append(int intervalTicks)
    {
        if (_tailChunk == IntervalChunkPool.NoChunk || _tailSlot == IntervalChunkPool.ChunkInts)
        {
            int chunk = _pool.Allocate();
            if (_tailChunk == IntervalChunkPool.NoChunk)
            {
                _headChunk = chunk;
                _headSlot = 1;
            }
            else
            {
                _pool.Link(_tailChunk) = chunk;
            }
            _tailChunk = chunk;
            _tailSlot = 1;
        }
        _pool.Slot(_tailChunk, _tailSlot++) = intervalTicks;
    }

    private int RemoveOldest()
    {
        int oldest = _pool.Slot(_headChunk, _headSlot++);
        if (_headSlot == IntervalChunkPool.ChunkInts)
        {
            // The head chunk is used up; if it was also the tail, the queue is empty until the next append.
            int next = _pool.Link(_headChunk);
            _pool.Free(_headChunk);
            if (_headChunk == _tailChunk)
            {
                _tailChunk = IntervalChunkPool.NoChunk;
            }
            _headChunk = next;
            _headSlot = 1;
        }
        return oldest;
    }
}

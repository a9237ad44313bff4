using System.Diagnostics.Metrics;

namespace RingStore.Node.Metrics;

/// <summary>
/// The node's own counters, published through System.Diagnostics.Metrics (meter "RingStore.Node", for
/// dotnet-counters or OpenTelemetry) and read directly by the Status call. Storage per-table figures come
/// from the engine's stats; hint totals from the hint store.
/// </summary>
public sealed class NodeMetrics : IDisposable
{
    public const string MeterName = "RingStore.Node";
    private readonly Meter _meter;
    private readonly Counter<long> _reads, _writes, _unavailables, _writeTimeouts, _readTimeouts, _readRepairs, _speculativeRetries,
        _hintsStored, _replicaReads, _replicaWrites;
    private readonly Histogram<double> _readLatencyMs, _writeLatencyMs;
    private long _readCount, _writeCount, _unavailableCount, _writeTimeoutCount, _readTimeoutCount, _readRepairCount,
        _speculativeRetryCount, _hintsStoredCount, _replicaReadCount, _replicaWriteCount;

    public NodeMetrics(TimeProvider time)
    {
        _meter = new Meter(MeterName);
        _reads = _meter.CreateCounter<long>("ringstore.coordinator.reads");
        _writes = _meter.CreateCounter<long>("ringstore.coordinator.writes");
        _unavailables = _meter.CreateCounter<long>("ringstore.coordinator.unavailables");
        _writeTimeouts = _meter.CreateCounter<long>("ringstore.coordinator.write_timeouts");
        _readTimeouts = _meter.CreateCounter<long>("ringstore.coordinator.read_timeouts");
        _readRepairs = _meter.CreateCounter<long>("ringstore.coordinator.read_repairs");
        _speculativeRetries = _meter.CreateCounter<long>("ringstore.coordinator.speculative_retries");
        _hintsStored = _meter.CreateCounter<long>("ringstore.hints.stored");
        _replicaReads = _meter.CreateCounter<long>("ringstore.replica.reads");
        _replicaWrites = _meter.CreateCounter<long>("ringstore.replica.writes");
        _readLatencyMs = _meter.CreateHistogram<double>("ringstore.coordinator.read_latency", "ms");
        _writeLatencyMs = _meter.CreateHistogram<double>("ringstore.coordinator.write_latency", "ms");
        ReadRate = new RateMeter(time);
        WriteRate = new RateMeter(time);
    }

    public RateMeter ReadRate { get; }
    public RateMeter WriteRate { get; }
    public LatencyRecorder ReadLatency { get; } = new();
    public LatencyRecorder WriteLatency { get; } = new();

    public long CoordinatorReads => Interlocked.Read(ref _readCount);
    public long CoordinatorWrites => Interlocked.Read(ref _writeCount);
    public long Unavailables => Interlocked.Read(ref _unavailableCount);
    public long WriteTimeouts => Interlocked.Read(ref _writeTimeoutCount);
    public long ReadTimeouts => Interlocked.Read(ref _readTimeoutCount);
    public long ReadRepairs => Interlocked.Read(ref _readRepairCount);
    public long SpeculativeRetries => Interlocked.Read(ref _speculativeRetryCount);
    public long HintsStored => Interlocked.Read(ref _hintsStoredCount);
    public long ReplicaReads => Interlocked.Read(ref _replicaReadCount);
    public long ReplicaWrites => Interlocked.Read(ref _replicaWriteCount);

    public void RecordRead(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _readCount);
        _reads.Add(1);
        ReadRate.Mark();
        ReadLatency.Record(elapsed);
        _readLatencyMs.Record(elapsed.TotalMilliseconds);
    }

    public void RecordWrite(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _writeCount);
        _writes.Add(1);
        WriteRate.Mark();
        WriteLatency.Record(elapsed);
        _writeLatencyMs.Record(elapsed.TotalMilliseconds);
    }

    public void Unavailable() { Interlocked.Increment(ref _unavailableCount); _unavailables.Add(1); }
    public void WriteTimeout() { Interlocked.Increment(ref _writeTimeoutCount); _writeTimeouts.Add(1); }
    public void ReadTimeout() { Interlocked.Increment(ref _readTimeoutCount); _readTimeouts.Add(1); }
    public void ReadRepair() { Interlocked.Increment(ref _readRepairCount); _readRepairs.Add(1); }
    public void SpeculativeRetry() { Interlocked.Increment(ref _speculativeRetryCount); _speculativeRetries.Add(1); }
    public void HintStored() { Interlocked.Increment(ref _hintsStoredCount); _hintsStored.Add(1); }
    public void ReplicaRead() { Interlocked.Increment(ref _replicaReadCount); _replicaReads.Add(1); }
    public void ReplicaWrite() { Interlocked.Increment(ref _replicaWriteCount); _replicaWrites.Add(1); }

    public void Dispose() => _meter.Dispose();
}

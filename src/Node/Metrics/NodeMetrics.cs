using System.Diagnostics.Metrics;
using RingStore.Core.Consistency;

namespace RingStore.Node.Metrics;

/// <summary>
/// The node's own counters, published through System.Diagnostics.Metrics (meter "RingStore.Node", for
/// dotnet-counters, OpenTelemetry and the Prometheus endpoint) and read directly by the Status call. Storage
/// per-table figures, hints, gossip and streaming are observed at collection time (<see cref="NodeGauges"/>).
/// Instrument names and units follow OpenTelemetry's conventions (dots, unit "s"/"By"); the Prometheus exporter turns
/// them into Prometheus names (`ringstore_coordinator_requests_total`, `..._duration_seconds`).
/// </summary>
public sealed class NodeMetrics : IDisposable
{
    public const string MeterName = "RingStore.Node";

    /// <summary>Request latency buckets in seconds: 100 µs to 10 s (the request timeouts are seconds).</summary>
    public static readonly IReadOnlyList<double> LatencyBucketsSeconds =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _requests, _unavailables, _timeouts, _readRepairs, _speculativeRetries,
        _hintsStored, _replicaRequests;
    private readonly Histogram<double> _requestSeconds, _replicaSeconds;
    private long _readCount, _writeCount, _unavailableCount, _writeTimeoutCount, _readTimeoutCount, _readRepairCount,
        _speculativeRetryCount, _hintsStoredCount, _replicaReadCount, _replicaWriteCount;

    public NodeMetrics(TimeProvider time)
    {
        Meter = new Meter(MeterName);
        var buckets = new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsSeconds };
        _requests = Meter.CreateCounter<long>("ringstore.coordinator.requests", null,
            "Client requests this node coordinated and answered, by operation (read, write) and consistency level.");
        _requestSeconds = Meter.CreateHistogram("ringstore.coordinator.request.duration", "s",
            "Coordinator latency of answered client requests, by operation and consistency level.", tags: null, advice: buckets);
        _unavailables = Meter.CreateCounter<long>("ringstore.coordinator.unavailables", null,
            "Requests refused before sending because too few replicas were alive, by operation and consistency level.");
        _timeouts = Meter.CreateCounter<long>("ringstore.coordinator.timeouts", null,
            "Requests that timed out or failed waiting for replicas, by operation and consistency level.");
        _readRepairs = Meter.CreateCounter<long>("ringstore.coordinator.read_repairs", null, "Read repairs sent after replicas disagreed.");
        _speculativeRetries = Meter.CreateCounter<long>("ringstore.coordinator.speculative_retries", null, "Extra replica reads sent because one was slow.");
        _hintsStored = Meter.CreateCounter<long>("ringstore.hints.stored", null, "Hints written for replicas that were down or did not answer.");
        _replicaRequests = Meter.CreateCounter<long>("ringstore.replica.requests", null, "Reads and writes this node applied as a replica, by operation.");
        _replicaSeconds = Meter.CreateHistogram("ringstore.replica.request.duration", "s",
            "Local replica read and write latency, by operation.", tags: null, advice: buckets);
        ReadRate = new RateMeter(time);
        WriteRate = new RateMeter(time);
    }

    /// <summary>The meter the node's observable gauges are added to (<see cref="NodeGauges"/>).</summary>
    public Meter Meter { get; }

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

    public void RecordRead(TimeSpan elapsed, ConsistencyLevel consistency = ConsistencyLevel.One, string operation = MetricTags.Read)
    {
        Interlocked.Increment(ref _readCount);
        ReadRate.Mark();
        ReadLatency.Record(elapsed);
        Record(operation, consistency, elapsed);
    }

    public void RecordWrite(TimeSpan elapsed, ConsistencyLevel consistency = ConsistencyLevel.One)
    {
        Interlocked.Increment(ref _writeCount);
        WriteRate.Mark();
        WriteLatency.Record(elapsed);
        Record(MetricTags.Write, consistency, elapsed);
    }

    private void Record(string operation, ConsistencyLevel consistency, TimeSpan elapsed)
    {
        var op = MetricTags.Operation(operation);
        var cl = MetricTags.Consistency(consistency);
        _requests.Add(1, op, cl);
        _requestSeconds.Record(elapsed.TotalSeconds, op, cl);
    }

    public void Unavailable(string operation = MetricTags.Read, ConsistencyLevel consistency = ConsistencyLevel.One)
    {
        Interlocked.Increment(ref _unavailableCount);
        _unavailables.Add(1, MetricTags.Operation(operation), MetricTags.Consistency(consistency));
    }

    public void WriteTimeout(ConsistencyLevel consistency = ConsistencyLevel.One)
    {
        Interlocked.Increment(ref _writeTimeoutCount);
        _timeouts.Add(1, MetricTags.Operation(MetricTags.Write), MetricTags.Consistency(consistency));
    }

    public void ReadTimeout(ConsistencyLevel consistency = ConsistencyLevel.One, string operation = MetricTags.Read)
    {
        Interlocked.Increment(ref _readTimeoutCount);
        _timeouts.Add(1, MetricTags.Operation(operation), MetricTags.Consistency(consistency));
    }

    public void ReadRepair() { Interlocked.Increment(ref _readRepairCount); _readRepairs.Add(1); }
    public void SpeculativeRetry() { Interlocked.Increment(ref _speculativeRetryCount); _speculativeRetries.Add(1); }
    public void HintStored() { Interlocked.Increment(ref _hintsStoredCount); _hintsStored.Add(1); }

    public void ReplicaRead(TimeSpan? elapsed = null)
    {
        Interlocked.Increment(ref _replicaReadCount);
        var op = MetricTags.Operation(MetricTags.Read);
        _replicaRequests.Add(1, op);
        if (elapsed is { } e) _replicaSeconds.Record(e.TotalSeconds, op);
    }

    public void ReplicaWrite(TimeSpan? elapsed = null)
    {
        Interlocked.Increment(ref _replicaWriteCount);
        var op = MetricTags.Operation(MetricTags.Write);
        _replicaRequests.Add(1, op);
        if (elapsed is { } e) _replicaSeconds.Record(e.TotalSeconds, op);
    }

    public void Dispose() => Meter.Dispose();
}

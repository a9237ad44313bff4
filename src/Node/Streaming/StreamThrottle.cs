namespace RingStore.Node.Streaming;

/// <summary>
/// Caps a node's inbound streaming at a rate in MiB/s (Cassandra's stream_throughput), shared by every stream
/// session of the node, so a bootstrap never takes the disk and network from client requests. Time comes from
/// the injected TimeProvider; 0 MiB/s = unlimited.
/// </summary>
public sealed class StreamThrottle(double mibPerSecond, TimeProvider time)
{
    private readonly double _bytesPerSecond = mibPerSecond * 1024 * 1024;
    private readonly object _gate = new();
    private long _startTimestamp = time.GetTimestamp();
    private double _bytesSinceStart;

    public bool Enabled => _bytesPerSecond > 0;

    /// <summary>Records bytes received and waits as long as the total is ahead of the allowed rate.</summary>
    public async Task AccountAsync(long bytes, CancellationToken ct)
    {
        if (!Enabled || bytes <= 0) return;
        TimeSpan wait;
        lock (_gate)
        {
            TimeSpan elapsed = time.GetElapsedTime(_startTimestamp);
            // Forget history older than a few seconds: an idle period must not bank a burst.
            if (elapsed > TimeSpan.FromSeconds(5))
            {
                double allowed = elapsed.TotalSeconds * _bytesPerSecond;
                _bytesSinceStart = Math.Max(0, _bytesSinceStart - allowed);
                _startTimestamp = time.GetTimestamp();
                elapsed = TimeSpan.Zero;
            }
            _bytesSinceStart += bytes;
            wait = TimeSpan.FromSeconds(_bytesSinceStart / _bytesPerSecond) - elapsed;
        }
        if (wait > TimeSpan.Zero) await Task.Delay(wait, time, ct).ConfigureAwait(false);
    }
}

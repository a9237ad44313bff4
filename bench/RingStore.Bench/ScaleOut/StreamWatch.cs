using System.Diagnostics;
using Grpc.Core;
using RingStore.Bench.Measurement;
using RingStore.Client.Protos;

namespace RingStore.Bench.ScaleOut;

/// <summary>One poll of every live node's Netstats: bytes received so far per operation (bootstrap, decommission), summed over nodes.</summary>
public sealed record StreamSample(double AtSeconds, IReadOnlyDictionary<string, long> BytesByOperation);

/// <summary>
/// Polls Netstats of the nodes it is given (every 500 ms) and keeps, per node and operation, the bytes its receiving
/// ("in") sessions report. Counting the receiving side only counts each streamed byte once; a node keeps only its
/// last finished sessions, so each node's figure is kept monotone (never drops when an old session is evicted).
/// </summary>
public sealed class StreamWatch(Stopwatch clock)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private readonly Dictionary<(string Node, string Operation), long> _received = [];
    private readonly Dictionary<(string Node, string Operation), (long Done, long Offered)> _files = [];
    private readonly List<StreamSample> _samples = [];
    private readonly Lock _lock = new();
    private readonly List<NodeProbe> _probes = [];

    public void Watch(NodeProbe probe)
    {
        lock (_lock) _probes.Add(probe);
    }

    public IReadOnlyList<StreamSample> Samples
    {
        get { lock (_lock) return [.. _samples]; }
    }

    /// <summary>Bytes received so far for one operation, over all nodes.</summary>
    public long Bytes(string operation)
    {
        lock (_lock) return _received.Where(kv => kv.Key.Operation == operation).Sum(kv => kv.Value);
    }

    /// <summary>SSTables received whole (entire-SSTable streaming) and offered for one operation, over all nodes.</summary>
    public (long Done, long Offered) Files(string operation)
    {
        lock (_lock)
        {
            var mine = _files.Where(kv => kv.Key.Operation == operation).Select(kv => kv.Value).ToList();
            return (mine.Sum(f => f.Done), mine.Sum(f => f.Offered));
        }
    }

    /// <summary>
    /// Average rate of one operation's streaming in MiB/s: its bytes over the time from the first sample that saw
    /// bytes to the first sample that saw the final count (so time spent before streaming starts or after it ends does
    /// not count); 0 when fewer than two samples saw it move.
    /// </summary>
    public double MiBPerSecond(string operation)
    {
        var samples = Samples;
        long total = Bytes(operation);
        double? first = null, last = null;
        foreach (var s in samples)
        {
            long bytes = s.BytesByOperation.GetValueOrDefault(operation);
            if (bytes > 0 && first is null) first = s.AtSeconds - Interval.TotalSeconds / 2;
            if (bytes >= total && total > 0)
            {
                last = s.AtSeconds;
                break;
            }
        }
        if (first is not { } f || last is not { } l || l - f <= 0) return 0;
        return Math.Round(total / 1048576.0 / (l - f), 1);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await PollAsync(ct).ConfigureAwait(false);
            try { await Task.Delay(Interval, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async Task PollAsync(CancellationToken ct)
    {
        List<NodeProbe> probes;
        lock (_lock) probes = [.. _probes];
        foreach (var probe in probes)
        {
            NetstatsResponse netstats;
            try
            {
                netstats = await probe.Api.NetstatsAsync(new NetstatsRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException)
            {
                continue; // not up yet, or gone (decommissioned): its last figures stay
            }
            catch (OperationCanceledException)
            {
                return;
            }
            lock (_lock)
            {
                foreach (var group in netstats.Sessions.Where(s => s.Direction == "in").GroupBy(s => s.Operation))
                {
                    var key = (probe.Endpoint, group.Key);
                    _received[key] = Math.Max(_received.GetValueOrDefault(key), group.Sum(s => s.BytesDone));
                    var files = _files.GetValueOrDefault(key);
                    _files[key] = (Math.Max(files.Done, group.Sum(s => s.FilesDone)), Math.Max(files.Offered, group.Sum(s => s.FilesTotal)));
                }
            }
        }
        lock (_lock)
        {
            var byOperation = _received.GroupBy(kv => kv.Key.Operation).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value), StringComparer.Ordinal);
            _samples.Add(new StreamSample(Math.Round(clock.Elapsed.TotalSeconds, 2), byOperation));
        }
    }
}

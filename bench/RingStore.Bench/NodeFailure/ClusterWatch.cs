using System.Diagnostics;
using Grpc.Core;
using RingStore.Bench.Measurement;
using RingStore.Client.Protos;

namespace RingStore.Bench.NodeFailure;

/// <summary>
/// The cluster as its nodes see it, asked of each node directly: who it marks UP or DOWN (DescribeRing), the hints
/// it holds for other nodes and its counters (Status). Times are seconds on the scenario's clock.
/// </summary>
public sealed class ClusterWatch(IReadOnlyList<NodeProbe> probes, Stopwatch clock)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Polls every 100 ms until each observer reports every target (by gRPC address) with <paramref name="liveness"/>;
    /// returns, per observer, the clock time it first did (null if not within the timeout).
    /// </summary>
    public async Task<Dictionary<int, double?>> WaitForLivenessAsync(IReadOnlyList<int> observers, IReadOnlyList<string> targets, string liveness,
        TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(observers);
        ArgumentNullException.ThrowIfNull(targets);
        var seen = observers.ToDictionary(o => o, _ => (double?)null);
        var deadline = clock.Elapsed + timeout;
        while (clock.Elapsed < deadline && seen.Values.Any(v => v is null))
        {
            foreach (int observer in observers.Where(o => seen[o] is null))
            {
                try
                {
                    var ring = await probes[observer].DescribeRingAsync(CallTimeout, ct).ConfigureAwait(false);
                    bool all = targets.All(t => ring.Nodes.Any(n => n.RpcAddress == t && n.Liveness == liveness));
                    if (all) seen[observer] = clock.Elapsed.TotalSeconds;
                }
                catch (RpcException)
                {
                    // an observer that does not answer has not seen anything yet
                }
            }
            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }
        return seen;
    }

    /// <summary>Hints the observers hold for the targets, summed (observers that do not answer count 0).</summary>
    public async Task<long> HintsPendingAsync(IReadOnlyList<int> observers, IReadOnlyList<string> targets, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(observers);
        long pending = 0;
        foreach (int observer in observers)
        {
            try
            {
                var status = await probes[observer].StatusAsync("", CallTimeout, ct).ConfigureAwait(false);
                pending += status.Nodes.Where(n => targets.Contains(n.Node.RpcAddress)).Sum(n => n.HintsPending);
            }
            catch (RpcException)
            {
            }
        }
        return pending;
    }

    /// <summary>Each node's own counters (null for a node that does not answer).</summary>
    public async Task<NodeMetrics?[]> MetricsAsync(IEnumerable<int> nodes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var result = new NodeMetrics?[probes.Count];
        foreach (int node in nodes)
        {
            try
            {
                result[node] = (await probes[node].StatusAsync("", CallTimeout, ct).ConfigureAwait(false)).Metrics;
            }
            catch (RpcException)
            {
            }
        }
        return result;
    }
}

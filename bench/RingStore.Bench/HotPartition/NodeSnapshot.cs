using Grpc.Core;
using RingStore.Bench.Measurement;
using RingStore.Client.Protos;

namespace RingStore.Bench.HotPartition;

/// <summary>One node's cumulative counters and CPU time at one moment (null metrics: the node did not answer).</summary>
public sealed record NodeSnapshot(string Node, NodeMetrics? Metrics, TimeSpan? Cpu)
{
    public static async Task<IReadOnlyList<NodeSnapshot>> TakeAsync(IReadOnlyList<NodeProbe> probes, Func<int, int?> pidOf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(pidOf);
        var snapshots = new List<NodeSnapshot>();
        for (int i = 0; i < probes.Count; i++)
        {
            NodeMetrics? metrics = null;
            try
            {
                metrics = (await probes[i].StatusAsync("", TimeSpan.FromSeconds(5), ct).ConfigureAwait(false)).Metrics;
            }
            catch (RpcException)
            {
            }
            snapshots.Add(new NodeSnapshot($"node{i}", metrics, pidOf(i) is { } pid ? ProcessCpuTime.Read(pid) : null));
        }
        return snapshots;
    }
}

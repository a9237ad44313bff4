using Grpc.Core;
using RingStore.Bench.Measurement;
using RingStore.Client.Protos;

namespace RingStore.Bench.Cluster;

/// <summary>What all node processes had done at one moment: managed bytes allocated, replica writes applied, context switches.</summary>
public readonly record struct NodeRuntimeSample(long AllocatedBytes, long ReplicaWrites, ContextSwitches Switches, bool Complete)
{
    public static NodeRuntimeSample operator -(NodeRuntimeSample after, NodeRuntimeSample before) =>
        new(after.AllocatedBytes - before.AllocatedBytes, after.ReplicaWrites - before.ReplicaWrites, after.Switches - before.Switches,
            after.Complete && before.Complete);

    public static NodeRuntimeSample Subtract(NodeRuntimeSample after, NodeRuntimeSample before) => after - before;
}

/// <summary>
/// The nodes' allocation and replica-write counters come from each node's Status (gc_allocated_bytes is
/// GC.GetTotalAllocatedBytes in the node process, replica_writes its count of writes applied as a replica); context
/// switches from /proc. Allocated bytes are exact counts, unlike CPU time and throughput not moved by other load on
/// the machine: the figure to compare between runs. A node that does not answer makes the sample incomplete (no figure).
/// </summary>
public sealed class NodeRuntimeMeter(IReadOnlyList<int> pids, IReadOnlyList<RingStoreApi.RingStoreApiClient> nodes)
{
    public async Task<NodeRuntimeSample> SampleAsync(CancellationToken ct)
    {
        long allocated = 0, replicaWrites = 0;
        bool complete = true;
        foreach (var node in nodes)
        {
            try
            {
                var status = await node.StatusAsync(new StatusRequest { Keyspace = ClusterWorkload.Keyspace },
                    deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
                allocated += status.Metrics.GcAllocatedBytes;
                replicaWrites += status.Metrics.ReplicaWrites;
                if (status.Metrics.GcAllocatedBytes == 0) complete = false; // a node that predates the field
            }
            catch (RpcException)
            {
                complete = false;
            }
        }
        var switches = new ContextSwitches(0, 0);
        foreach (int pid in pids)
        {
            if (ProcessContextSwitches.Read(pid) is { } s) switches += s;
            else complete = false;
        }
        return new NodeRuntimeSample(allocated, replicaWrites, switches, complete);
    }
}

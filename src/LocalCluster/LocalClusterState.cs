using System.Text.Json;

namespace RingStore.LocalCluster;

/// <summary>What cluster.json records: enough to restart the same cluster or stop its processes by pid.</summary>
public sealed record LocalClusterState(string ClusterName, string ListenAddress, int InternodeBasePort, int GrpcBasePort, int[] Pids)
{
    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}

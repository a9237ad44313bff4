using System.Text.Json;
using System.Text.Json.Serialization;

namespace RingStore.LocalCluster;

/// <summary>
/// What cluster.json records: enough to restart the same cluster or stop its processes by pid. Node i is
/// <c>Pids[i]</c> (0 when not running). <see cref="Removed"/> marks nodes that left the ring for good (decommission,
/// removenode, a node that died while joining): <c>ringstore up</c> does not restart them and their index is never
/// reused. Files written before it existed have no <see cref="Removed"/> (null: no node removed).
/// </summary>
public sealed record LocalClusterState(string ClusterName, string ListenAddress, int InternodeBasePort, int GrpcBasePort, int[] Pids, bool[]? Removed = null)
{
    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    [JsonIgnore]
    public int NodeCount => Pids.Length;

    public bool IsRemoved(int index) => Removed is not null && index < Removed.Length && Removed[index];

    /// <summary>Indexes of the nodes that are part of the cluster (not removed).</summary>
    [JsonIgnore]
    public IEnumerable<int> ActiveNodes => Enumerable.Range(0, Pids.Length).Where(i => !IsRemoved(i));

    public string GrpcEndpoint(int index) => $"{ListenAddress}:{GrpcBasePort + index}";

    public string InternodeEndpoint(int index) => $"{ListenAddress}:{InternodeBasePort + index}";

    /// <summary>This state with node <paramref name="index"/> marked removed and its pid cleared.</summary>
    public LocalClusterState WithRemoved(int index)
    {
        var removed = new bool[Pids.Length];
        for (int i = 0; i < removed.Length; i++) removed[i] = IsRemoved(i) || i == index;
        var pids = (int[])Pids.Clone();
        pids[index] = 0;
        return this with { Pids = pids, Removed = removed };
    }

    /// <summary>Writes cluster.json atomically (a reader never sees half a file).</summary>
    public void Save(string dataRoot)
    {
        string path = Path.Combine(dataRoot, LocalCluster.StateFileName);
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, JsonOptions));
        File.Move(temp, path, overwrite: true);
    }
}

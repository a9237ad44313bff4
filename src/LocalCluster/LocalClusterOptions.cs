namespace RingStore.LocalCluster;

/// <summary>
/// A cluster of N nodes on one address with consecutive ports: node i listens on InternodeBasePort + i and
/// GrpcBasePort + i, keeps its data in DataRoot/node{i}, and seeds from node 0.
/// </summary>
public sealed record LocalClusterOptions
{
    public int Nodes { get; init; } = 3;
    public string ListenAddress { get; init; } = "127.0.0.1";
    public int InternodeBasePort { get; init; } = 7000;
    public int GrpcBasePort { get; init; } = 9042;
    public required string DataRoot { get; init; }
    public string ClusterName { get; init; } = "ringstore";
    public IReadOnlyDictionary<string, string> ExtraSettings { get; init; } = new Dictionary<string, string>();

    public NodeProcessOptions ForNode(int index) =>
        new(index, ListenAddress, InternodeBasePort + index, GrpcBasePort + index, Path.Combine(DataRoot, $"node{index}"),
            $"{ListenAddress}:{InternodeBasePort}", ClusterName)
        {
            ExtraSettings = ExtraSettings,
        };
}

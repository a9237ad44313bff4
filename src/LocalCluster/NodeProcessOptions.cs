namespace RingStore.LocalCluster;

/// <summary>How to start one node process: its ports, data directory, seeds and any extra configuration switches.</summary>
public sealed record NodeProcessOptions(
    int Index,
    string ListenAddress,
    int InternodePort,
    int GrpcPort,
    string DataDirectory,
    string Seeds,
    string ClusterName)
{
    public IReadOnlyDictionary<string, string> ExtraSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>The CA to trust when the node serves gRPC over TLS; null = plain HTTP/2.</summary>
    public string? CaFile { get; init; }

    /// <summary>Role and password for nodes with the password authenticator (every gRPC call of the tools carries them); null = none.</summary>
    public RingStore.Client.Auth.ClientCredentials? Credentials { get; init; }

    /// <summary>The CQL native-protocol port; 0 = off.</summary>
    public int NativePort { get; init; }

    public string NativeEndpoint => $"{ListenAddress}:{NativePort}";

    /// <summary>The Prometheus scrape port (GET /metrics); 0 = off.</summary>
    public int MetricsPort { get; init; }

    public string GrpcEndpoint => $"{ListenAddress}:{GrpcPort}";

    public string InternodeEndpoint => $"{ListenAddress}:{InternodePort}";

    /// <summary>The node's command line (see RingStore.Node's NodeCommandLine).</summary>
    public IReadOnlyList<string> Arguments()
    {
        var args = new List<string>
        {
            "--cluster-name", ClusterName,
            "--listen-address", ListenAddress,
            "--internode-port", InternodePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--grpc-port", GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--native-port", NativePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--metrics-port", MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--seeds", Seeds,
            "--data-dir", DataDirectory,
        };
        foreach (var (key, value) in ExtraSettings)
        {
            args.Add($"--RingStore:{key}={value}");
        }
        return args;
    }
}

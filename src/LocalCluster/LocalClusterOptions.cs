namespace RingStore.LocalCluster;

/// <summary>
/// A cluster of N nodes on one address with consecutive ports: node i listens on InternodeBasePort + i and
/// GrpcBasePort + i, keeps its data in DataRoot/node{i}, and seeds from node 0 (<see cref="SeedNode"/>). Tests that must not collide with
/// anything else on the machine give explicit per-node port lists instead (<see cref="InternodePorts"/>,
/// <see cref="GrpcPorts"/>), e.g. ports the kernel just handed out as free.
/// </summary>
public sealed record LocalClusterOptions
{
    public int Nodes { get; init; } = 3;
    public string ListenAddress { get; init; } = "127.0.0.1";
    public int InternodeBasePort { get; init; } = 7000;
    public int GrpcBasePort { get; init; } = 9160;

    /// <summary>
    /// Node i's native-protocol port is NativeBasePort + i; null (the default) = no native listener, so tests and
    /// benchmarks that choose only internode and gRPC ports never reach for 9042 (`ringstore up` sets it).
    /// </summary>
    public int? NativeBasePort { get; init; }

    /// <summary>Node i's native-protocol port, overriding NativeBasePort + i; one entry per node when set.</summary>
    public IReadOnlyList<int>? NativePorts { get; init; }

    /// <summary>Node i's Prometheus scrape port (GET /metrics); null (the default) = no metrics endpoint.</summary>
    public IReadOnlyList<int>? MetricsPorts { get; init; }
    public required string DataRoot { get; init; }
    public string ClusterName { get; init; } = "ringstore";
    public IReadOnlyDictionary<string, string> ExtraSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>The node every node seeds from (node 0 unless it left the cluster).</summary>
    public int SeedNode { get; init; }

    /// <summary>Node i's internode port, overriding InternodeBasePort + i; one entry per node when set.</summary>
    public IReadOnlyList<int>? InternodePorts { get; init; }

    /// <summary>Node i's gRPC port, overriding GrpcBasePort + i; one entry per node when set.</summary>
    public IReadOnlyList<int>? GrpcPorts { get; init; }

    /// <summary>
    /// Client and internode TLS, with a throwaway CA and node certificates under <see cref="TlsDirectory"/> (made on
    /// first start by <see cref="LocalClusterCertificates"/>); clients trust <see cref="CaFile"/>.
    /// </summary>
    public bool Tls { get; init; }

    public string TlsDirectory => Path.Combine(DataRoot, "tls");

    /// <summary>Credentials for the readiness probe and tools when the nodes run the password authenticator (ExtraSettings Authenticator=password).</summary>
    public RingStore.Client.Auth.ClientCredentials? Credentials { get; init; }

    /// <summary>The CA clients must trust; null without TLS.</summary>
    public string? CaFile => Tls ? Path.Combine(TlsDirectory, LocalClusterCertificates.CaFileName) : null;

    public int InternodePort(int index) => PortOf(InternodePorts, InternodeBasePort, index, nameof(InternodePorts));

    public int GrpcPort(int index) => PortOf(GrpcPorts, GrpcBasePort, index, nameof(GrpcPorts));

    /// <summary>Node i's native-protocol port, 0 when the cluster has none.</summary>
    public int NativePort(int index) =>
        NativePorts is not null || NativeBasePort is not null ? PortOf(NativePorts, NativeBasePort ?? 0, index, nameof(NativePorts)) : 0;

    public NodeProcessOptions ForNode(int index) =>
        new(index, ListenAddress, InternodePort(index), GrpcPort(index), Path.Combine(DataRoot, $"node{index}"),
            $"{ListenAddress}:{InternodePort(SeedNode)}", ClusterName)
        {
            ExtraSettings = Tls ? LocalClusterCertificates.Settings(TlsDirectory, index, ExtraSettings) : ExtraSettings,
            NativePort = NativePort(index),
            CaFile = CaFile,
            Credentials = Credentials,
            MetricsPort = MetricsPorts is null ? 0 : PortOf(MetricsPorts, 0, index, nameof(MetricsPorts)),
        };

    private static int PortOf(IReadOnlyList<int>? explicitPorts, int basePort, int index, string name)
    {
        if (explicitPorts is null) return basePort + index;
        return index < explicitPorts.Count ? explicitPorts[index] : throw new InvalidOperationException($"{name} has no port for node {index}.");
    }
}

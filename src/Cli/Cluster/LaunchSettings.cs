namespace RingStore.Cli.Cluster;

/// <summary>What <c>ringstore up</c> was asked for; null ports and node count mean "the recorded cluster's, else the default".</summary>
public sealed record LaunchSettings(string DataRoot, int? Nodes, int? InternodeBasePort, int? GrpcBasePort, TimeSpan StartTimeout)
{
    /// <summary><c>--tls</c>: client and internode TLS with a throwaway CA under DataRoot/tls.</summary>
    public bool Tls { get; init; }

    public const int DefaultNodes = 3;
    public const int DefaultInternodeBasePort = 7000;

    /// <summary>gRPC ports sit this far above the internode ports (7000 -> 9160), so one --base-port moves all three.</summary>
    public const int GrpcPortOffset = 2160;

    /// <summary>CQL native-protocol ports sit this far above the internode ports (7000 -> 9042, the drivers' default).</summary>
    public const int NativePortOffset = 2042;
}

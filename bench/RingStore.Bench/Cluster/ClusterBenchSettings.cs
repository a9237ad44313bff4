using System.Globalization;
using ProtoConsistency = RingStore.Client.Protos.Consistency;

namespace RingStore.Bench.Cluster;

/// <summary>The cluster scenario's command line, with the defaults (3 nodes, RF 3, 10 s phases, 100-byte values).</summary>
public sealed record ClusterBenchSettings
{
    public const string DefaultJsonPath = "bench/results/cluster/cluster.json";

    public int Nodes { get; init; } = 3;
    public int ReplicationFactor { get; init; } = 3;
    public int DurationSeconds { get; init; } = 10;
    /// <summary>The nodes tier up their JIT code for many seconds under load; measuring earlier measures the JIT.</summary>
    public int WarmupSeconds { get; init; } = 15;
    public IReadOnlyList<int> Concurrency { get; init; } = [16, 64, 256];
    public IReadOnlyList<string> ConsistencyLevels { get; init; } = ["ONE", "QUORUM"];
    public int ValueBytes { get; init; } = 100;
    public string JsonPath { get; init; } = DefaultJsonPath;

    /// <summary>Internode ports are BasePort + i, gRPC ports BasePort + 100 + i, native-protocol ports BasePort + 200 + i: away from 7000/9042 and the tests' ports.</summary>
    public int BasePort { get; init; } = 27000;

    /// <summary>Keep the nodes' data directories (and logs) instead of deleting them.</summary>
    public bool Keep { get; init; }

    /// <summary>--tls: client and internode TLS (throwaway CA, as ringstore up --tls).</summary>
    public bool Tls { get; init; }

    /// <summary>
    /// --auth: the password authenticator on every node; the load logs in as the default superuser (every call carries
    /// its credentials and is authorized), so the figures include authentication and authorization.
    /// </summary>
    public bool Auth { get; init; }

    public int Seed { get; init; } = 7;

    /// <summary>
    /// Requests the paced phase may have in flight (0 = the largest concurrency, 256 by default). When the cluster slows,
    /// requests beyond this wait in the driver's own queue, and that wait counts in their latency; a larger value
    /// separates the cluster's latency from the driver's queue.
    /// </summary>
    public int PacedInFlight { get; init; }

    /// <summary>The paced phase's in-flight cap after defaulting.</summary>
    public int EffectivePacedInFlight => PacedInFlight > 0 ? PacedInFlight : Concurrency.Max();

    /// <summary>
    /// "session" (Mutate/Read multiplexed over one Session stream per node, as the SDK sends them), "unary", or "native"
    /// (prepared EXECUTE frames over one CQL native-protocol connection per node, token-aware: Native/NativeClusterWorkload).
    /// </summary>
    public string Transport { get; init; } = "session";

    public static ClusterBenchSettings Parse(Args a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var defaults = new ClusterBenchSettings();
        var settings = new ClusterBenchSettings
        {
            Nodes = a.GetInt("--nodes", defaults.Nodes),
            ReplicationFactor = a.GetInt("--rf", defaults.ReplicationFactor),
            DurationSeconds = a.GetInt("--duration", defaults.DurationSeconds),
            WarmupSeconds = a.GetInt("--warmup", defaults.WarmupSeconds),
            Concurrency = a.Get("--concurrency") is { } c ? [.. c.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : defaults.Concurrency,
            ConsistencyLevels = a.Get("--consistency") is { } l ? [.. l.Split(',').Select(s => s.Trim().ToUpperInvariant())] : defaults.ConsistencyLevels,
            ValueBytes = a.GetInt("--value-bytes", defaults.ValueBytes),
            JsonPath = a.Get("--json") ?? defaults.JsonPath,
            BasePort = a.GetInt("--base-port", defaults.BasePort),
            Keep = a.Has("--keep"),
            Tls = a.Has("--tls"),
            Auth = a.Has("--auth"),
            Seed = a.GetInt("--seed", defaults.Seed),
            Transport = a.Get("--transport")?.ToLowerInvariant() ?? defaults.Transport,
            PacedInFlight = a.GetInt("--paced-in-flight", defaults.PacedInFlight),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        if (Auth && Transport == "native") throw new ArgumentException("--auth works with the gRPC transports (session, unary); the native workload does not log in");
        if (Nodes < 1) throw new ArgumentException("--nodes must be at least 1");
        if (ReplicationFactor < 1 || ReplicationFactor > Nodes) throw new ArgumentException($"--rf must be 1..{Nodes}");
        if (DurationSeconds < 1) throw new ArgumentException("--duration must be at least 1 second");
        if (WarmupSeconds < 0) throw new ArgumentException("--warmup must not be negative");
        if (Concurrency.Count == 0 || Concurrency.Any(c => c < 1)) throw new ArgumentException("--concurrency needs positive numbers");
        if (ValueBytes < 0) throw new ArgumentException("--value-bytes must not be negative");
        if (BasePort is < 1024 || BasePort + 200 + Nodes > 65535) throw new ArgumentException("--base-port leaves no room for the nodes' ports");
        foreach (string level in ConsistencyLevels) _ = ToProto(level);
        if (PacedInFlight < 0) throw new ArgumentException("--paced-in-flight must not be negative (0 = the largest --concurrency)");
        if (Transport is not ("session" or "unary" or "native")) throw new ArgumentException($"--transport must be session, unary or native, got '{Transport}'");
        // With client TLS the nodes' native port speaks only TLS, and the bench's native client is plain TCP.
        if (Tls && Transport == "native") throw new ArgumentException("--tls with --transport native is not supported: the bench's native-protocol client has no TLS");
    }

    /// <summary>"QUORUM", "LOCAL_QUORUM", ... to the wire enum.</summary>
    public static ProtoConsistency ToProto(string level)
    {
        ArgumentNullException.ThrowIfNull(level);
        return Enum.TryParse<ProtoConsistency>(level.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) && parsed != ProtoConsistency.Default
            ? parsed
            : throw new ArgumentException($"unknown consistency level '{level}'");
    }
}

namespace RingStore.Node.Messaging;

/// <summary>Settings for internode messaging. Durations are TimeSpans; sizes end in Bytes.</summary>
public sealed record MessagingOptions
{
    /// <summary>The only protocol version this build speaks. A Hello with another version is refused.</summary>
    public const int CurrentProtocolVersion = 1;

    /// <summary>Nodes of different clusters must never exchange data, even if misconfigured seeds point at each other.</summary>
    public required string ClusterName { get; init; }

    /// <summary>This node's host id, sent in the Hello so peers can log who connected.</summary>
    public Guid HostId { get; init; } = Guid.Empty;

    public int ProtocolVersion { get; init; } = CurrentProtocolVersion;

    /// <summary>
    /// The host peers know this node by, sent in the Hello (the node's broadcast address) when it differs from the one
    /// the listener binds to (0.0.0.0, or a private address behind NAT); null = the bound host.
    /// </summary>
    public string? BroadcastHost { get; init; }

    /// <summary>Mutual TLS on every internode connection, both directions; null (the default) is plain TCP.</summary>
    public InternodeTls? Tls { get; init; }

    /// <summary>Limit for TCP connect plus the TLS handshake (when on) plus the Hello exchange, both directions.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan ReconnectBackoffMin { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ReconnectBackoffMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A frame longer than this closes the connection (protects memory from a bad or hostile length prefix).</summary>
    public int MaxFrameBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Per peer, messages waiting to be written. On overflow the oldest is dropped (and a dropped request fails).</summary>
    public int MaxQueuedMessagesPerPeer { get; init; } = 16_384;

    /// <summary>Flush early once this many bytes are buffered, so one huge batch does not sit in memory.</summary>
    public int FlushThresholdBytes { get; init; } = 256 * 1024;

    /// <summary>Timeout for verbs not listed in <see cref="VerbTimeouts"/>.</summary>
    public TimeSpan DefaultRequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public IReadOnlyDictionary<Verb, TimeSpan> VerbTimeouts { get; init; } = new Dictionary<Verb, TimeSpan>
    {
        [Verb.Mutation] = TimeSpan.FromSeconds(2),
        [Verb.BatchMutation] = TimeSpan.FromSeconds(2),
        [Verb.Read] = TimeSpan.FromSeconds(5),
        [Verb.DigestRead] = TimeSpan.FromSeconds(5),
        [Verb.ReadRepair] = TimeSpan.FromSeconds(2),
        [Verb.Hint] = TimeSpan.FromSeconds(10),
        [Verb.SchemaPull] = TimeSpan.FromSeconds(10),
    };

    public TimeSpan TimeoutFor(Verb verb) => VerbTimeouts.TryGetValue(verb, out var timeout) ? timeout : DefaultRequestTimeout;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ClusterName);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameBytes, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedMessagesPerPeer, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectBackoffMin, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectBackoffMax, ReconnectBackoffMin);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero);
    }
}

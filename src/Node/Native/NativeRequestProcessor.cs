namespace RingStore.Node.Native;

/// <summary>
/// One connection's statement requests: decodes QUERY/PREPARE/EXECUTE/BATCH, runs them through
/// <see cref="NativeStatementRunner"/> with the connection's keyspace (USE), and builds the reply frame, an ERROR
/// frame for any failure (the error's kind decides the code). Also the fixed answers of OPTIONS, STARTUP, REGISTER.
/// </summary>
public sealed class NativeRequestProcessor(NativeStatementRunner runner)
{
    public static readonly IReadOnlyList<string> EventTypeNames = ["TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"];

    private string? _keyspace;

    public string? Keyspace => Volatile.Read(ref _keyspace);

    /// <summary>The node's authenticator; null when none is configured (STARTUP then answers READY).</summary>
    public Security.Auth.AuthService? Auth => runner.Auth;

    /// <summary>The role this connection logged in as (AUTH_RESPONSE); every request runs as it.</summary>
    public Security.Auth.ClientUser? User { get; set; }

    public async Task<byte[]> ProcessAsync(NativeFrameHeader header, byte[] body, CancellationToken ct)
    {
        Security.Auth.AuthContext.Current = User;
        var request = NativeRequestDecoder.Decode(header.Opcode, body);
        string writeType = request is BatchRequest { Type: 1 } ? "UNLOGGED_BATCH" : request is BatchRequest ? "BATCH" : "SIMPLE";
        try
        {
            if (request is PrepareRequest prepare)
            {
                var prepared = runner.Prepare(prepare, Keyspace);
                return NativeFrame.Response(header.Stream, NativeOpcode.Result, w => NativeResultEncoder.Prepared(w, prepared));
            }
            var outcome = request switch
            {
                QueryRequest query => await runner.QueryAsync(query, Keyspace, ct).ConfigureAwait(false),
                ExecuteRequest execute => await runner.ExecuteAsync(execute, Keyspace, ct).ConfigureAwait(false),
                BatchRequest batch => await runner.BatchAsync(batch, Keyspace, ct).ConfigureAwait(false),
                _ => throw new NativeProtocolException($"Unexpected message {header.Opcode}"),
            };
            if (outcome.NewKeyspace is not null) Volatile.Write(ref _keyspace, outcome.NewKeyspace);
            return NativeFrame.Response(header.Stream, NativeOpcode.Result, outcome.Body, outcome.Warnings);
        }
        catch (Exception e) when (e is not OperationCanceledException and not NativeProtocolException)
        {
            return NativeFrame.Error(header.Stream, e, writeType);
        }
    }

    /// <summary>SUPPORTED: CQL version, lz4 (snappy is not offered), protocol v4.</summary>
    public static void Supported(NativeWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStringMultimap(new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["CQL_VERSION"] = [SystemTables.SystemLocalPeers.CqlVersion],
            ["COMPRESSION"] = ["lz4"],
            ["PROTOCOL_VERSIONS"] = ["4/v4"],
        });
    }

    /// <summary>True when STARTUP asks for lz4; any other compression is a protocol error (only lz4 is offered).</summary>
    public static bool Compression(StartupRequest startup)
    {
        ArgumentNullException.ThrowIfNull(startup);
        if (!startup.Options.TryGetValue("COMPRESSION", out string? compression) || string.IsNullOrEmpty(compression)) return false;
        return string.Equals(compression, "lz4", StringComparison.OrdinalIgnoreCase)
            ? true
            : throw new NativeProtocolException($"Unsupported compression algorithm: {compression} (supported: lz4)");
    }

    public static IReadOnlySet<string> EventTypes(RegisterRequest register)
    {
        ArgumentNullException.ThrowIfNull(register);
        foreach (string type in register.Events)
        {
            if (!EventTypeNames.Contains(type)) throw new NativeProtocolException($"Invalid value '{type}' for Type");
        }
        return register.Events.ToHashSet(StringComparer.Ordinal);
    }
}

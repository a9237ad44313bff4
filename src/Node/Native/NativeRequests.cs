namespace RingStore.Node.Native;

/// <summary>A decoded request message (the body of one client frame).</summary>
public abstract record NativeRequest;

public sealed record OptionsRequest : NativeRequest;

public sealed record StartupRequest(IReadOnlyDictionary<string, string> Options) : NativeRequest;

public sealed record AuthResponseRequest(byte[]? Token) : NativeRequest;

public sealed record RegisterRequest(IReadOnlyList<string> Events) : NativeRequest;

public sealed record QueryRequest(string Query, NativeQueryParameters Parameters) : NativeRequest;

public sealed record PrepareRequest(string Query) : NativeRequest;

public sealed record ExecuteRequest(byte[] Id, NativeQueryParameters Parameters) : NativeRequest;

/// <summary>One statement of a BATCH: its text or its prepared id, and its own values.</summary>
public sealed record BatchChild(string? Query, byte[]? Id, IReadOnlyList<NativeValue> Values);

/// <summary>BATCH: type 0 logged, 1 unlogged, 2 counter.</summary>
public sealed record BatchRequest(byte Type, IReadOnlyList<BatchChild> Statements, ushort Consistency, ushort? SerialConsistency, long? DefaultTimestamp)
    : NativeRequest;

/// <summary>
/// The v4 query parameters of QUERY and EXECUTE. <see cref="Names"/> is set when the values came with names.
/// Serial consistency is accepted and kept, though without lightweight transactions nothing reads it.
/// </summary>
public sealed record NativeQueryParameters(
    ushort Consistency,
    IReadOnlyList<NativeValue> Values,
    IReadOnlyList<string>? Names,
    bool SkipMetadata,
    int PageSize,
    byte[]? PagingState,
    ushort? SerialConsistency,
    long? DefaultTimestamp);

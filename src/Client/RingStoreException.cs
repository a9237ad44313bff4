using System.Globalization;
using Grpc.Core;
using RingStore.Core.Errors;

namespace RingStore.Client;

/// <summary>
/// A request the cluster refused or could not complete. <see cref="Kind"/> says why (from the node's
/// "ringstore-error-kind" trailer): Unavailable means nothing was written; WriteTimeout means it may have been.
/// WriteFailure and ReadFailure mean replicas answered with errors (disk full, corrupt SSTable, I/O error ...):
/// definite answers from a coordinator that already tried every replica it could, so the SDK never retries them on
/// another coordinator (<see cref="Failures"/> says how many replicas failed; the message names each and its reason).
/// </summary>
public sealed class RingStoreException : Exception
{
    public RingStoreException(string message, RequestErrorKind kind, StatusCode statusCode, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        StatusCode = statusCode;
    }

    public RingStoreException() : this("RingStore request failed.", RequestErrorKind.Unknown, StatusCode.Unknown) { }

    public RingStoreException(string message) : this(message, RequestErrorKind.Unknown, StatusCode.Unknown) { }

    public RingStoreException(string message, Exception inner) : this(message, RequestErrorKind.Unknown, StatusCode.Unknown, inner) { }

    public RequestErrorKind Kind { get; }

    public StatusCode StatusCode { get; }

    /// <summary>For Unavailable / timeouts: replicas required, alive and that answered (-1 when not given).</summary>
    public int Required { get; init; } = -1;

    public int Alive { get; init; } = -1;

    public int Received { get; init; } = -1;

    /// <summary>For WriteFailure / ReadFailure: replicas that answered with an error (-1 when not given).</summary>
    public int Failures { get; init; } = -1;

    /// <summary>Every attempt the SDK made for the request, in order: the node and how it ended (empty when not tracked).</summary>
    public IReadOnlyList<Policies.RequestAttempt> Attempts { get; init; } = [];

    /// <summary>The node gave no error kind: the call failed in transport (connection refused or reset, deadline).</summary>
    public bool IsTransportFailure => Kind == RequestErrorKind.Unknown;

    /// <param name="timeoutKind">
    /// What the client's own deadline means for this call (ReadTimeout or WriteTimeout): a call that ran out of time
    /// gets that kind, as a node's timeout would, instead of an unknown transport failure.
    /// </param>
    public static RingStoreException From(RpcException e, RequestErrorKind timeoutKind = RequestErrorKind.Unknown)
    {
        ArgumentNullException.ThrowIfNull(e);
        var kind = Enum.TryParse<RequestErrorKind>(e.Trailers.GetValue("ringstore-error-kind"), out var k) ? k : RequestErrorKind.Unknown;
        if (kind == RequestErrorKind.Unknown && e.StatusCode == StatusCode.DeadlineExceeded && timeoutKind != RequestErrorKind.Unknown)
            return new RingStoreException($"The client's deadline passed before the node answered ({timeoutKind}; the request may have been applied).",
                timeoutKind, e.StatusCode, e);
        string message = kind == RequestErrorKind.Unknown ? $"{e.StatusCode}: {e.Status.Detail}" : e.Status.Detail;
        return new RingStoreException(message, kind, e.StatusCode, e)
        {
            Required = Int(e, "ringstore-required"),
            Alive = Int(e, "ringstore-alive"),
            Received = Int(e, "ringstore-received"),
            Failures = Int(e, "ringstore-failures"),
        };
    }

    private static int Int(RpcException e, string key) =>
        int.TryParse(e.Trailers.GetValue(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : -1;
}

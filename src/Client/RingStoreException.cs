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

    /// <summary>The node gave no error kind: the call failed in transport (connection refused or reset, deadline).</summary>
    public bool IsTransportFailure => Kind == RequestErrorKind.Unknown;

    public static RingStoreException From(RpcException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var kind = Enum.TryParse<RequestErrorKind>(e.Trailers.GetValue("ringstore-error-kind"), out var k) ? k : RequestErrorKind.Unknown;
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

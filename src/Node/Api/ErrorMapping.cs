using System.Globalization;
using Grpc.Core;
using RingStore.Core.Errors;

namespace RingStore.Node.Api;

/// <summary>
/// Maps RingStore errors to gRPC status codes plus machine-readable trailers, so a driver can tell an
/// Unavailable (nothing was written; safe to retry elsewhere) from a WriteTimeout (may have been written).
/// </summary>
public static class ErrorMapping
{
    public const string KindTrailer = "ringstore-error-kind";
    public const string ReceivedTrailer = "ringstore-received";
    public const string RequiredTrailer = "ringstore-required";
    public const string AliveTrailer = "ringstore-alive";

    public static RpcException ToRpcException(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var trailers = new Metadata();
        (StatusCode code, RequestErrorKind kind) = error switch
        {
            UnavailableException u => Add(trailers, (RequiredTrailer, u.Required), (AliveTrailer, u.Alive), (StatusCode.Unavailable, RequestErrorKind.Unavailable)),
            WriteTimeoutException w => Add(trailers, (ReceivedTrailer, w.Received), (RequiredTrailer, w.BlockFor), (StatusCode.DeadlineExceeded, RequestErrorKind.WriteTimeout)),
            WriteFailureException f => AddFailures(trailers, f),
            ReadFailureException f => AddFailures(trailers, f),
            ReadTimeoutException r => Add(trailers, (ReceivedTrailer, r.Received), (RequiredTrailer, r.BlockFor), (StatusCode.DeadlineExceeded, RequestErrorKind.ReadTimeout)),
            DiskUsageExceededException => (StatusCode.ResourceExhausted, RequestErrorKind.DiskUsageExceeded),
            UnknownTableException => (StatusCode.NotFound, RequestErrorKind.UnknownTable),
            ValueTooLargeException => (StatusCode.InvalidArgument, RequestErrorKind.ValueTooLarge),
            AlreadyExistsException => (StatusCode.AlreadyExists, RequestErrorKind.AlreadyExists),
            UnauthorizedException => (StatusCode.PermissionDenied, RequestErrorKind.Unauthorized),
            AuthenticationFailedException => (StatusCode.Unauthenticated, RequestErrorKind.BadCredentials),
            InvalidRequestException => (StatusCode.InvalidArgument, RequestErrorKind.InvalidRequest),
            // The node cancels a request's work when the client's deadline passes (gRPC deadline, session
            // timeout_millis) or the client went away; only the first can still reach anyone, so say so: the SDK
            // turns it into ReadTimeout / WriteTimeout like its own deadline.
            OperationCanceledException => (StatusCode.DeadlineExceeded, RequestErrorKind.Unknown),
            _ => (StatusCode.Internal, RequestErrorKind.ServerError),
        };
        trailers.Add(KindTrailer, kind.ToString());
        string message = kind == RequestErrorKind.ServerError ? $"Server error: {error.GetType().Name}: {error.Message}" : error.Message;
        return new RpcException(new Status(code, message), trailers);
    }

    public const string FailuresTrailer = "ringstore-failures";

    /// <summary>WriteFailure: the acks, the block-for and the number of replicas that answered with an error.</summary>
    private static (StatusCode, RequestErrorKind) AddFailures(Metadata trailers, WriteFailureException f)
    {
        trailers.Add(FailuresTrailer, f.Failures.Count.ToString(CultureInfo.InvariantCulture));
        return Add(trailers, (ReceivedTrailer, f.Received), (RequiredTrailer, f.BlockFor), (StatusCode.Aborted, RequestErrorKind.WriteFailure));
    }

    public const string DataPresentTrailer = "ringstore-data-present";

    /// <summary>
    /// ReadFailure: the answers, the block-for, the number of replicas that answered with an error and whether an answer
    /// held the data; each replica's reason is in the message. Aborted, as WriteFailure: definite, not a transport failure.
    /// </summary>
    private static (StatusCode, RequestErrorKind) AddFailures(Metadata trailers, ReadFailureException f)
    {
        trailers.Add(FailuresTrailer, f.Failures.Count.ToString(CultureInfo.InvariantCulture));
        trailers.Add(DataPresentTrailer, f.DataPresent ? "true" : "false");
        return Add(trailers, (ReceivedTrailer, f.Received), (RequiredTrailer, f.BlockFor), (StatusCode.Aborted, RequestErrorKind.ReadFailure));
    }

    private static (StatusCode, RequestErrorKind) Add(Metadata trailers, (string Key, int Value) a, (string Key, int Value) b, (StatusCode, RequestErrorKind) result)
    {
        trailers.Add(a.Key, a.Value.ToString(CultureInfo.InvariantCulture));
        trailers.Add(b.Key, b.Value.ToString(CultureInfo.InvariantCulture));
        return result;
    }
}

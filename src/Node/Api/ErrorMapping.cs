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
            ReadTimeoutException r => Add(trailers, (ReceivedTrailer, r.Received), (RequiredTrailer, r.BlockFor), (StatusCode.DeadlineExceeded, RequestErrorKind.ReadTimeout)),
            UnknownTableException => (StatusCode.NotFound, RequestErrorKind.UnknownTable),
            ValueTooLargeException => (StatusCode.InvalidArgument, RequestErrorKind.ValueTooLarge),
            AlreadyExistsException => (StatusCode.AlreadyExists, RequestErrorKind.AlreadyExists),
            InvalidRequestException => (StatusCode.InvalidArgument, RequestErrorKind.InvalidRequest),
            OperationCanceledException => (StatusCode.Cancelled, RequestErrorKind.Unknown),
            _ => (StatusCode.Internal, RequestErrorKind.ServerError),
        };
        trailers.Add(KindTrailer, kind.ToString());
        string message = kind == RequestErrorKind.ServerError ? $"Server error: {error.GetType().Name}: {error.Message}" : error.Message;
        return new RpcException(new Status(code, message), trailers);
    }

    private static (StatusCode, RequestErrorKind) Add(Metadata trailers, (string Key, int Value) a, (string Key, int Value) b, (StatusCode, RequestErrorKind) result)
    {
        trailers.Add(a.Key, a.Value.ToString(CultureInfo.InvariantCulture));
        trailers.Add(b.Key, b.Value.ToString(CultureInfo.InvariantCulture));
        return result;
    }
}

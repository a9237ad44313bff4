using Grpc.Core;

namespace RingStore.Cluster.Tests;

/// <summary>Reads the node's error trailers (see the node's Api/ErrorMapping): the kind tells a driver what happened.</summary>
public static class RpcErrors
{
    public const string KindTrailer = "ringstore-error-kind";

    /// <summary>The node's error kind, or null when the error did not come from the node's API (a transport failure).</summary>
    public static string? Kind(RpcException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Trailers.GetValue(KindTrailer);
    }

    public static string? Trailer(RpcException error, string key)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Trailers.GetValue(key);
    }

    /// <summary>
    /// The connection to the node failed (refused, reset, or the process died mid-call): no kind trailer, and not our own
    /// deadline. Only such a failure is retried on another node; anything the node itself answered counts as final.
    /// </summary>
    public static bool IsTransportFailure(RpcException error) =>
        Kind(error) is null && error.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown;
}

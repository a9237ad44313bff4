using Grpc.Core;

namespace RingStore.Bench.Native;

/// <summary>
/// An ERROR reply (or a broken connection, code -1) of the native load generator. It is an RpcException so the
/// cluster benchmark's drivers count it as a failed request exactly as they count a gRPC error.
/// </summary>
public sealed class NativeRequestException(int code, string message)
    : RpcException(new Status(StatusCode.Unknown, $"native error 0x{code:x4}: {message}"))
{
    /// <summary>The protocol's error code (0x1000 Unavailable, 0x1100 WriteTimeout, ...), -1 for a broken connection.</summary>
    public int Code { get; } = code;
}

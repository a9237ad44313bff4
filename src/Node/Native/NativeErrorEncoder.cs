using RingStore.Core.Errors;
using RingStore.Cql;

namespace RingStore.Node.Native;

/// <summary>
/// Maps the node's errors (the same exceptions gRPC's ErrorMapping reads) to v4 ERROR bodies: code, message and the
/// code's fields, so each driver raises its own exception class (Unavailable with cl/required/alive, WriteTimeout
/// with the write type, ReadTimeout with data_present ...).
/// </summary>
public static class NativeErrorEncoder
{
    public const int ServerError = 0x0000;
    public const int ProtocolError = 0x000A;
    public const int BadCredentials = 0x0100;
    public const int Unauthorized = 0x2100;
    public const int Unavailable = 0x1000;
    public const int WriteTimeout = 0x1100;
    public const int ReadTimeout = 0x1200;
    public const int ReadFailure = 0x1300;
    public const int WriteFailure = 0x1500;
    public const int SyntaxError = 0x2000;
    public const int Invalid = 0x2200;
    public const int AlreadyExists = 0x2400;
    public const int Unprepared = 0x2500;

    /// <summary>The ERROR body for <paramref name="error"/>; <paramref name="writeType"/> is SIMPLE, BATCH or UNLOGGED_BATCH.</summary>
    public static void Write(NativeWriter w, Exception error, string writeType = "SIMPLE")
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(error);
        switch (error)
        {
            case NativeProtocolException p:
                Header(w, ProtocolError, p.Message);
                break;
            case UnpreparedException u:
                Header(w, Unprepared, u.Message);
                w.WriteShortBytes(u.Id);
                break;
            case UnavailableException u:
                Header(w, Unavailable, u.Message);
                w.WriteShort((ushort)u.Consistency);
                w.WriteInt(u.Required);
                w.WriteInt(u.Alive);
                break;
            case WriteTimeoutException t:
                Header(w, WriteTimeout, t.Message);
                w.WriteShort((ushort)t.Consistency);
                w.WriteInt(t.Received);
                w.WriteInt(t.BlockFor);
                w.WriteString(writeType);
                break;
            case ReadTimeoutException t:
                Header(w, ReadTimeout, t.Message);
                w.WriteShort((ushort)t.Consistency);
                w.WriteInt(t.Received);
                w.WriteInt(t.BlockFor);
                w.WriteByte(t.DataPresent ? (byte)1 : (byte)0);
                break;
            case ReadFailureException f:
                Header(w, ReadFailure, f.Message);
                w.WriteShort((ushort)f.Consistency);
                w.WriteInt(f.Received);
                w.WriteInt(f.BlockFor);
                w.WriteInt(f.Failures.Count);
                w.WriteByte(f.DataPresent ? (byte)1 : (byte)0);
                break;
            case WriteFailureException f:
                Header(w, WriteFailure, f.Message);
                w.WriteShort((ushort)f.Consistency);
                w.WriteInt(f.Received);
                w.WriteInt(f.BlockFor);
                w.WriteInt(f.Failures.Count);
                w.WriteString(writeType);
                break;
            case CqlSyntaxException s:
                Header(w, SyntaxError, s.Message);
                break;
            case AuthenticationFailedException b:
                Header(w, BadCredentials, b.Message);
                break;
            case UnauthorizedException u:
                Header(w, Unauthorized, u.Message);
                break;
            case AlreadyExistsException a:
                Header(w, AlreadyExists, a.Message);
                w.WriteString(a.Keyspace);
                w.WriteString(a.Table ?? "");
                break;
            // UnknownTable, ValueTooLarge, DiskUsageExceeded and the rest of the request's own faults.
            case InvalidRequestException or UnknownTableException or ValueTooLargeException or DiskUsageExceededException:
                Header(w, Invalid, error.Message);
                break;
            default:
                Header(w, ServerError, $"Server error: {error.GetType().Name}: {error.Message}");
                break;
        }
    }

    private static void Header(NativeWriter w, int code, string message)
    {
        w.WriteInt(code);
        // A [string] holds at most 64 KiB; a longer message (many replicas' reasons) is cut, never refused.
        w.WriteString(message.Length > 16_000 ? message[..16_000] + "..." : message);
    }
}


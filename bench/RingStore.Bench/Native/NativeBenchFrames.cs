using System.Buffers.Binary;
using System.Text;

namespace RingStore.Bench.Native;

/// <summary>
/// The few CQL native-protocol v4 frames the load generator sends (STARTUP, PREPARE, EXECUTE) and the parse of the
/// replies it needs (READY, Prepared id, Rows count, ERROR code and message). Pure: bytes in, bytes out.
/// </summary>
public static class NativeBenchFrames
{
    public const int HeaderLength = 9;
    public const byte RequestVersion = 0x04;
    public const byte OpError = 0x00, OpStartup = 0x01, OpReady = 0x02, OpQuery = 0x07, OpResult = 0x08, OpPrepare = 0x09, OpExecute = 0x0A;
    private const byte FlagValues = 0x01, FlagSkipMetadata = 0x02;

    /// <summary>The native protocol's consistency codes.</summary>
    public static short ConsistencyCode(string level) => level.ToUpperInvariant() switch
    {
        "ANY" => 0, "ONE" => 1, "TWO" => 2, "THREE" => 3, "QUORUM" => 4, "ALL" => 5,
        "LOCAL_QUORUM" => 6, "EACH_QUORUM" => 7, "LOCAL_ONE" => 10,
        _ => throw new ArgumentException($"unknown consistency level '{level}'"),
    };

    public static byte[] Startup(short stream)
    {
        var body = new List<byte>();
        AddShort(body, 1);
        AddString(body, "CQL_VERSION");
        AddString(body, "3.0.0");
        return Frame(stream, OpStartup, [.. body]);
    }

    public static byte[] Prepare(short stream, string cql)
    {
        var body = new List<byte>();
        AddLongString(body, cql);
        return Frame(stream, OpPrepare, [.. body]);
    }

    public static byte[] Query(short stream, string cql, short consistency)
    {
        var body = new List<byte>();
        AddLongString(body, cql);
        AddShort(body, consistency);
        body.Add(0);
        return Frame(stream, OpQuery, [.. body]);
    }

    /// <summary>
    /// An EXECUTE frame whose values are <paramref name="values"/> (each sent as a [value]); the layout is fixed for a
    /// given id and value sizes, so a caller can rewrite the stream id, consistency and value bytes in place
    /// (<see cref="ExecuteLayout"/>) and reuse the frame for every request of one loop.
    /// </summary>
    public static (byte[] Frame, ExecuteLayout Layout) Execute(short stream, byte[] preparedId, short consistency, IReadOnlyList<byte[]> values, bool skipMetadata)
    {
        ArgumentNullException.ThrowIfNull(preparedId);
        ArgumentNullException.ThrowIfNull(values);
        var body = new List<byte>();
        AddShort(body, (short)preparedId.Length);
        body.AddRange(preparedId);
        int consistencyAt = HeaderLength + body.Count;
        AddShort(body, consistency);
        body.Add((byte)(FlagValues | (skipMetadata ? FlagSkipMetadata : 0)));
        AddShort(body, (short)values.Count);
        var valueOffsets = new int[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            AddInt(body, values[i].Length);
            valueOffsets[i] = HeaderLength + body.Count;
            body.AddRange(values[i]);
        }
        return (Frame(stream, OpExecute, [.. body]), new ExecuteLayout(consistencyAt, valueOffsets));
    }

    /// <summary>Where an EXECUTE frame's consistency and value bytes are, for rewriting them in place.</summary>
    public sealed record ExecuteLayout(int ConsistencyOffset, IReadOnlyList<int> ValueOffsets);

    public static void SetStream(Span<byte> frame, short stream) => BinaryPrimitives.WriteInt16BigEndian(frame[2..], stream);

    public static void SetConsistency(Span<byte> frame, ExecuteLayout layout, short consistency) =>
        BinaryPrimitives.WriteInt16BigEndian(frame[layout.ConsistencyOffset..], consistency);

    /// <summary>The body length a response header declares; a negative length or a request-direction frame is the server's bug.</summary>
    public static (byte Flags, short Stream, byte Opcode, int Length) ParseHeader(ReadOnlySpan<byte> header)
    {
        if ((header[0] & 0x80) == 0 || (header[0] & 0x7F) != RequestVersion)
            throw new InvalidDataException($"not a v4 response frame (version byte 0x{header[0]:x2})");
        int length = BinaryPrimitives.ReadInt32BigEndian(header[5..]);
        if (length < 0) throw new InvalidDataException($"negative body length {length}");
        return (header[1], BinaryPrimitives.ReadInt16BigEndian(header[2..]), header[4], length);
    }

    /// <summary>Reads a response body: rows (count only), void, prepared (id), ready, or an error.</summary>
    public static NativeBenchReply ParseBody(byte flags, byte opcode, ReadOnlySpan<byte> body)
    {
        int at = 0;
        if ((flags & 0x02) != 0) at += 16; // tracing id
        if ((flags & 0x08) != 0) // warnings: [string list]
        {
            int n = ReadShort(body, ref at);
            for (int i = 0; i < n; i++) SkipString(body, ref at);
        }
        if ((flags & 0x04) != 0) // custom payload: [bytes map]
        {
            int n = ReadShort(body, ref at);
            for (int i = 0; i < n; i++)
            {
                SkipString(body, ref at);
                int len = ReadInt(body, ref at);
                if (len > 0) at += len;
            }
        }
        switch (opcode)
        {
            case OpReady:
                return new NativeBenchReply(opcode, 0, null, 0, null);
            case OpError:
            {
                int code = ReadInt(body, ref at);
                int len = (ushort)ReadShort(body, ref at);
                return new NativeBenchReply(opcode, 0, null, code, Encoding.UTF8.GetString(body.Slice(at, len)));
            }
            case OpResult:
            {
                int kind = ReadInt(body, ref at);
                if (kind == 2) return new NativeBenchReply(opcode, RowCount(body, at), null, 0, null);
                if (kind == 4)
                {
                    int len = (ushort)ReadShort(body, ref at);
                    return new NativeBenchReply(opcode, 0, body.Slice(at, len).ToArray(), 0, null);
                }
                return new NativeBenchReply(opcode, 0, null, 0, null); // void, set keyspace, schema change
            }
            default:
                throw new InvalidDataException($"unexpected response opcode 0x{opcode:x2}");
        }
    }

    /// <summary>Rows metadata (no_metadata with skip-metadata; simple column types otherwise), then the row count.</summary>
    private static int RowCount(ReadOnlySpan<byte> body, int at)
    {
        int flags = ReadInt(body, ref at);
        int columns = ReadInt(body, ref at);
        if ((flags & 0x02) != 0) // has more pages: paging state [bytes]
        {
            int len = ReadInt(body, ref at);
            if (len > 0) at += len;
        }
        if ((flags & 0x04) == 0)
        {
            bool global = (flags & 0x01) != 0;
            if (global) { SkipString(body, ref at); SkipString(body, ref at); }
            for (int i = 0; i < columns; i++)
            {
                if (!global) { SkipString(body, ref at); SkipString(body, ref at); }
                SkipString(body, ref at);
                short type = ReadShort(body, ref at);
                if (type is 0x0000 or >= 0x0020)
                    throw new InvalidDataException($"column type 0x{type:x4}: the load generator reads simple types only");
            }
        }
        return ReadInt(body, ref at);
    }

    private static void SkipString(ReadOnlySpan<byte> body, ref int at)
    {
        int length = (ushort)ReadShort(body, ref at); // read first: `at += Read(ref at)` would add to the old `at`
        at += length;
    }

    private static short ReadShort(ReadOnlySpan<byte> body, ref int at)
    {
        short v = BinaryPrimitives.ReadInt16BigEndian(body[at..]);
        at += 2;
        return v;
    }

    private static int ReadInt(ReadOnlySpan<byte> body, ref int at)
    {
        int v = BinaryPrimitives.ReadInt32BigEndian(body[at..]);
        at += 4;
        return v;
    }

    private static byte[] Frame(short stream, byte opcode, byte[] body)
    {
        var frame = new byte[HeaderLength + body.Length];
        frame[0] = RequestVersion;
        frame[1] = 0;
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(2), stream);
        frame[4] = opcode;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), body.Length);
        body.CopyTo(frame, HeaderLength);
        return frame;
    }

    private static void AddShort(List<byte> b, short v)
    {
        b.Add((byte)(v >> 8));
        b.Add((byte)v);
    }

    private static void AddInt(List<byte> b, int v)
    {
        b.Add((byte)(v >> 24));
        b.Add((byte)(v >> 16));
        b.Add((byte)(v >> 8));
        b.Add((byte)v);
    }

    private static void AddString(List<byte> b, string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        AddShort(b, (short)bytes.Length);
        b.AddRange(bytes);
    }

    private static void AddLongString(List<byte> b, string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        AddInt(b, bytes.Length);
        b.AddRange(bytes);
    }
}

/// <summary>One parsed response: RowCount for Rows, PreparedId for Prepared, ErrorCode/Message for ERROR.</summary>
public sealed record NativeBenchReply(byte Opcode, int RowCount, byte[]? PreparedId, int ErrorCode, string? Message);

using System.Buffers;
using System.Buffers.Binary;
using MessagePack;

namespace RingStore.Node.Messaging;

/// <summary>
/// Frame layout: 4-byte big-endian body length, then the body (a MessagePack array). Written by hand with
/// MessagePackWriter/Reader so the payload is copied once into the pipe and the decoder can reject bad input
/// with a precise reason instead of relying on attribute-driven formatters.
/// </summary>
internal static class FrameCodec
{
    public const int LengthPrefixBytes = 4;

    private const int EnvelopeFields = 4;

    /// <summary>With the request's remaining budget appended (position 4; positions are never renumbered).</summary>
    private const int EnvelopeFieldsWithBudget = 5;
    private const int HelloFields = 5;
    private const int FailureFields = 2;

    /// <summary>Upper bound of an envelope body beyond its payload (the header is at most 24 bytes with a budget).</summary>
    public static int MaxEnvelopeOverheadBytes => 32;

    /// <summary>
    /// Appends one framed envelope. <paramref name="scratch"/> holds the small MessagePack header. A request with an
    /// <see cref="Envelope.Expiry"/> carries what is left of it at <paramref name="now"/> (this node's
    /// <see cref="TimeProvider.GetTimestamp"/>, ticking at <paramref name="frequency"/>) as whole milliseconds, so the
    /// time it waited in the queue is already spent; see <see cref="RequestExpiry"/> for why a budget and not a time.
    /// </summary>
    public static void WriteEnvelope(IBufferWriter<byte> output, ArrayBufferWriter<byte> scratch, in Envelope envelope, long now, long frequency)
    {
        scratch.ResetWrittenCount();
        var writer = new MessagePackWriter(scratch);
        bool withBudget = envelope.Expiry is not null && !envelope.IsResponse;
        writer.WriteArrayHeader(withBudget ? EnvelopeFieldsWithBudget : EnvelopeFields);
        writer.Write((byte)envelope.Verb);
        writer.Write(envelope.RequestId);
        writer.Write((byte)envelope.Flags);
        writer.WriteBinHeader(envelope.Payload.Length);
        writer.Flush();
        var header = scratch.WrittenCount;
        if (withBudget)
        {
            // After the payload: older nodes read four fields and skip the rest (see DecodeEnvelope).
            writer = new MessagePackWriter(scratch);
            writer.Write(envelope.Expiry!.Value.BudgetMillisAt(now, frequency));
            writer.Flush();
        }

        var bodyLength = scratch.WrittenCount + envelope.Payload.Length;
        var prefix = output.GetSpan(LengthPrefixBytes);
        BinaryPrimitives.WriteInt32BigEndian(prefix, bodyLength);
        output.Advance(LengthPrefixBytes);
        output.Write(scratch.WrittenSpan[..header]);
        output.Write(envelope.Payload.Span);
        output.Write(scratch.WrittenSpan[header..]);
    }

    /// <summary>
    /// Slices the next complete frame body off <paramref name="buffer"/>. Returns false when more bytes are needed.
    /// Throws <see cref="FrameFormatException"/> as soon as the length prefix is out of range, before buffering the body.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out ReadOnlySequence<byte> body)
    {
        body = default;
        if (buffer.Length < LengthPrefixBytes)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[LengthPrefixBytes];
        buffer.Slice(0, LengthPrefixBytes).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length == 0 || length > (uint)maxFrameBytes)
        {
            throw new FrameFormatException($"frame length {length} outside 1..{maxFrameBytes} bytes");
        }

        if (buffer.Length < LengthPrefixBytes + length)
        {
            return false;
        }

        body = buffer.Slice(LengthPrefixBytes, length);
        buffer = buffer.Slice(body.End);
        return true;
    }

    /// <summary>
    /// Decodes an envelope body; the payload is copied out because the pipe's buffer is recycled after reading. A
    /// request's budget becomes a local expiry counted from <paramref name="arrival"/> (this node's clock); a request
    /// without one (an older sender) has no expiry, and its verb's own handling applies.
    /// </summary>
    public static Envelope DecodeEnvelope(ReadOnlySequence<byte> body, long arrival, long frequency)
    {
        try
        {
            var reader = new MessagePackReader(body);
            var fields = reader.ReadArrayHeader();
            if (fields < EnvelopeFields)
            {
                throw new FrameFormatException($"envelope has {fields} fields, expected {EnvelopeFields}");
            }

            var verb = (Verb)reader.ReadByte();
            var requestId = reader.ReadInt64();
            var flags = (MessageFlags)reader.ReadByte();
            var payload = reader.ReadBytes();
            RequestExpiry? expiry = null;
            var next = EnvelopeFields;
            if (fields >= EnvelopeFieldsWithBudget)
            {
                // Nil is "no deadline" too, so a later sender may keep the slot and leave it empty; a response's
                // budget means nothing (nobody sends one) and is skipped.
                if (!reader.TryReadNil())
                {
                    if ((flags & MessageFlags.Response) != 0) reader.Skip();
                    else expiry = RequestExpiry.FromBudget(arrival, frequency, reader.ReadInt64());
                }

                next = EnvelopeFieldsWithBudget;
            }

            // Fields appended by a later minor revision are skipped, not rejected.
            for (var i = next; i < fields; i++)
            {
                reader.Skip();
            }

            if (!reader.End)
            {
                throw new FrameFormatException("trailing bytes after envelope");
            }

            if (verb == Verb.None)
            {
                throw new FrameFormatException("verb 0 is never sent");
            }

            // An empty payload (every write's ack) needs no copy.
            return new Envelope(verb, requestId, flags, payload is { Length: > 0 } p ? p.ToArray() : ReadOnlyMemory<byte>.Empty, expiry);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException or InvalidOperationException)
        {
            throw new FrameFormatException($"undecodable envelope: {ex.Message}", ex);
        }
    }

    public static byte[] EncodeHello(Hello hello)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(HelloFields);
        writer.Write(hello.ProtocolVersion);
        writer.Write(hello.ClusterName);
        writer.Write(hello.HostId.ToByteArray());
        writer.Write(hello.Address.Host);
        writer.Write(hello.Address.Port);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Decodes a Hello. Only the version is read when it differs from <paramref name="expectedVersion"/>, because
    /// the rest of another version's Hello may have another shape; the caller refuses such a peer.
    /// </summary>
    public static Hello DecodeHello(ReadOnlySequence<byte> body, int expectedVersion)
    {
        try
        {
            var reader = new MessagePackReader(body);
            var fields = reader.ReadArrayHeader();
            if (fields < 1)
            {
                throw new FrameFormatException("empty hello");
            }

            var version = reader.ReadInt32();
            if (version != expectedVersion)
            {
                return new Hello(version, string.Empty, Guid.Empty, new PeerAddress(string.Empty, 0));
            }

            if (fields < HelloFields)
            {
                throw new FrameFormatException($"hello has {fields} fields, expected {HelloFields}");
            }

            var cluster = reader.ReadString() ?? throw new FrameFormatException("hello without cluster name");
            var idBytes = reader.ReadBytes() ?? throw new FrameFormatException("hello without host id");
            if (idBytes.Length != 16)
            {
                throw new FrameFormatException("host id is not 16 bytes");
            }

            var hostId = new Guid(idBytes.ToArray());
            var host = reader.ReadString() ?? throw new FrameFormatException("hello without host");
            var port = reader.ReadInt32();
            return new Hello(version, cluster, hostId, new PeerAddress(host, port));
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException or InvalidOperationException or ArgumentException)
        {
            throw new FrameFormatException($"undecodable hello: {ex.Message}", ex);
        }
    }

    public static byte[] EncodeFailure(RequestFailureReason reason, string detail)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + detail.Length);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(FailureFields);
        writer.Write((byte)reason);
        writer.Write(detail);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A failure payload we cannot read still fails the request, with the reason "remote handler failed".</summary>
    public static (RequestFailureReason Reason, string Detail) DecodeFailure(ReadOnlyMemory<byte> payload)
    {
        try
        {
            var reader = new MessagePackReader(payload);
            _ = reader.ReadArrayHeader();
            var reason = (RequestFailureReason)reader.ReadByte();
            var detail = reader.ReadString() ?? string.Empty;
            return (reason, detail);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            return (RequestFailureReason.RemoteHandlerFailed, "undecodable failure payload");
        }
    }
}

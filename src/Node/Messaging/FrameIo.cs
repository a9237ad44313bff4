using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;

namespace RingStore.Node.Messaging;

/// <summary>The read and write loops shared by outbound and inbound connections.</summary>
internal static class FrameIo
{
    /// <summary>
    /// Drains the queue into the pipe and flushes once per drained batch: under load many frames share one
    /// flush (one socket write), while a lone message is still flushed at once, so coalescing adds no latency.
    /// </summary>
    public static async Task WriteLoopAsync(
        ChannelReader<OutboundMessage> queue, PipeWriter writer, int flushThresholdBytes, MessagingCounters counters, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var scratch = new ArrayBufferWriter<byte>(64);
        while (await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var frames = 0;
            while (queue.TryRead(out var message))
            {
                if (message.Request is { } request)
                {
                    // Timed out or cancelled while queued: nobody waits for the answer, so skip the work remotely.
                    // By id: a finished request may already serve another id (pooled).
                    if (!request.IsLive(message.Envelope.RequestId))
                    {
                        continue;
                    }

                    request.MarkSent(message.Envelope.RequestId);
                }

                // Read the clock per frame only for requests with a budget: what is left of it goes on the wire.
                long now = message.Envelope.Expiry is null ? 0 : time.GetTimestamp();
                FrameCodec.WriteEnvelope(writer, scratch, message.Envelope, now, time.TimestampFrequency);
                frames++;
                if (writer.CanGetUnflushedBytes && writer.UnflushedBytes >= flushThresholdBytes)
                {
                    await FlushAsync(writer, counters, cancellationToken).ConfigureAwait(false);
                }
            }

            counters.AddFramesSent(frames);
            if (frames > 0 || (writer.CanGetUnflushedBytes && writer.UnflushedBytes > 0))
            {
                await FlushAsync(writer, counters, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async ValueTask FlushAsync(PipeWriter writer, MessagingCounters counters, CancellationToken cancellationToken)
    {
        counters.AddFlush();
        var result = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new IOException("connection closed while writing");
        }
    }

    /// <summary>
    /// Reads frames until the peer closes; a bad frame throws <see cref="FrameFormatException"/>. A request's budget
    /// starts counting on <paramref name="time"/> when its frame is decoded.
    /// </summary>
    public static async Task ReadLoopAsync(PipeReader reader, int maxFrameBytes, Action<Envelope> onEnvelope, TimeProvider time,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            try
            {
                while (FrameCodec.TryReadFrame(ref buffer, maxFrameBytes, out var body))
                {
                    onEnvelope(FrameCodec.DecodeEnvelope(body, time.GetTimestamp(), time.TimestampFrequency));
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    if (buffer.Length > 0)
                    {
                        throw new FrameFormatException($"stream ended inside a frame ({buffer.Length} bytes left)");
                    }

                    return;
                }
            }
            finally
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    /// <summary>Reads exactly one frame (the Hello) and leaves any following bytes in the reader.</summary>
    public static async Task<byte[]> ReadOneFrameAsync(PipeReader reader, int maxFrameBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (FrameCodec.TryReadFrame(ref buffer, maxFrameBytes, out var body))
            {
                var copy = body.ToArray();
                reader.AdvanceTo(buffer.Start);
                return copy;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                throw new IOException("connection closed during handshake");
            }
        }
    }

    public static async Task WriteRawFrameAsync(PipeWriter writer, byte[] body, CancellationToken cancellationToken)
    {
        var prefix = writer.GetSpan(FrameCodec.LengthPrefixBytes);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(prefix, body.Length);
        writer.Advance(FrameCodec.LengthPrefixBytes);
        writer.Write(body);
        var result = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new IOException("connection closed during handshake");
        }
    }
}

using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using RingStore.Node.Native;

namespace RingStore.Node.Tests.Native;

/// <summary>A raw native-protocol client over real TCP: writes frames byte for byte, reads whole response frames.</summary>
public sealed class NativeTestClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private NativeTestClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<NativeTestClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        return new NativeTestClient(tcp);
    }

    public static byte[] Frame(NativeOpcode opcode, short stream, byte[] body, byte version = 4, byte flags = 0)
    {
        var frame = new byte[NativeFrameHeader.Size + body.Length];
        new NativeFrameHeader(version, flags, stream, opcode, body.Length).Write(frame);
        body.CopyTo(frame, NativeFrameHeader.Size);
        return frame;
    }

    public static byte[] Body(Action<NativeWriter> write)
    {
        var w = new NativeWriter();
        write(w);
        return w.ToArray();
    }

    public static byte[] StartupBody(string? compression = null) => Body(w =>
    {
        w.WriteShort(compression is null ? (ushort)1 : (ushort)2);
        w.WriteString("CQL_VERSION");
        w.WriteString("3.0.0");
        if (compression is not null)
        {
            w.WriteString("COMPRESSION");
            w.WriteString(compression);
        }
    });

    /// <summary>QUERY with consistency ONE and no values.</summary>
    public static byte[] QueryBody(string cql, ushort consistency = 1) => Body(w =>
    {
        w.WriteLongString(cql);
        w.WriteShort(consistency);
        w.WriteByte(0);
    });

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    public void ShutdownSend() => _tcp.Client.Shutdown(SocketShutdown.Send);

    public async Task<(NativeFrameHeader Header, byte[] Body)> RequestAsync(NativeOpcode opcode, short stream, byte[] body)
    {
        await SendAsync(Frame(opcode, stream, body));
        return await ReadAsync(TimeSpan.FromSeconds(30)) ?? throw new IOException("connection closed");
    }

    public async Task StartAsync()
    {
        var (header, _) = await RequestAsync(NativeOpcode.Startup, 0, StartupBody());
        Assert.Equal(NativeOpcode.Ready, header.Opcode);
    }

    /// <summary>The next whole frame; null when the server closed the connection.</summary>
    public async Task<(NativeFrameHeader Header, byte[] Body)?> ReadAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var head = new byte[NativeFrameHeader.Size];
        try
        {
            int got = await _stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cts.Token);
            if (got < head.Length) return null;
            var header = NativeFrameHeader.Read(head);
            var body = new byte[header.Length];
            await _stream.ReadExactlyAsync(body, cts.Token);
            return (header, body);
        }
        catch (IOException)
        {
            return null; // reset or closed by the server (EndOfStreamException is an IOException)
        }
    }

    public static (int Code, string Message) Error(byte[] body)
    {
        var r = new NativeReader(body);
        return (r.ReadInt(), r.ReadString());
    }

    public static int ResultKind(byte[] body) => BinaryPrimitives.ReadInt32BigEndian(body);

    public static string Utf8(byte[] body) => Encoding.UTF8.GetString(body);

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using RingStore.Node.Native;

namespace RingStore.Node.Tests.Native;

/// <summary>
/// How <see cref="NativeConnection"/> sends replies, over a real TCP connection whose server side counts its sends
/// (<see cref="CountingStream"/>), with statement requests answered by the test (held, released, in any order): every
/// reply on its own stream id with its own body, replies that finish while a send runs (or within one receive) leaving
/// together in one send, and a slow request never holding back a fast one's reply.
/// </summary>
public sealed class NativeReplyCoalescingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Replies_finishing_while_a_send_runs_leave_together_in_the_next_send_each_on_its_stream(bool lz4)
    {
        const int count = 300;
        var gates = new ConcurrentDictionary<short, TaskCompletionSource>();
        int calls = 0;
        await using var h = await Harness.StartAsync(async (header, body, ct) =>
        {
            var gate = gates.GetOrAdd(header.Stream, _ => new TaskCompletionSource()); // continuations inline: SetResult sends
            Interlocked.Increment(ref calls);
            await gate.Task;
            return Echo(header.Stream, body);
        }, lz4);

        var frames = Enumerable.Range(1, count).SelectMany(i => Request((short)i, $"request {i}", lz4)).ToArray();
        await h.Client.SendAsync(frames); // all at once, before any answer
        await Until(() => Volatile.Read(ref calls) == count);

        h.Server.ResetCounts();
        h.Server.Hold();
        gates[1].SetResult(); // its send starts on this thread and is held
        await h.Server.HeldWriteStarted.Task.WaitAsync(Wait);
        for (int i = count; i >= 2; i--) gates[(short)i].SetResult(); // out of order, all while the first send runs
        h.Server.Release();

        var order = new List<short>();
        for (int n = 0; n < count; n++)
        {
            var (header, body) = await h.Client.ReadAsync(Wait) ?? throw new IOException("closed");
            Assert.Equal(NativeOpcode.Result, header.Opcode);
            if (lz4) body = NativeLz4.Decompress(body, NativeConnection.MaxFrameBodyBytes);
            Assert.Equal(EchoBody($"request {header.Stream}"), body);
            order.Add(header.Stream);
        }
        var expected = new List<short> { 1 };
        expected.AddRange(Enumerable.Range(2, count - 1).Reverse().Select(i => (short)i));
        Assert.Equal(expected, order);
        Assert.Equal(2, h.Server.Writes); // the first reply's send, then the other 299 in one
    }

    [Fact]
    public async Task Replies_answered_within_one_receive_leave_in_at_most_one_send_per_receive()
    {
        const int count = 200;
        await using var h = await Harness.StartAsync((header, body, ct) => Task.FromResult(Echo(header.Stream, body)));
        h.Server.ResetCounts();
        await h.Client.SendAsync(Enumerable.Range(1, count).SelectMany(i => Request((short)i, $"request {i}")).ToArray());

        var answered = new HashSet<short>();
        for (int n = 0; n < count; n++)
        {
            var (header, body) = await h.Client.ReadAsync(Wait) ?? throw new IOException("closed");
            Assert.Equal(EchoBody($"request {header.Stream}"), body);
            Assert.True(answered.Add(header.Stream));
        }
        Assert.Equal(count, answered.Count);
        Assert.InRange(h.Server.Writes, 1, h.Server.Reads); // without the batching: one send per reply (200)
        Assert.True(h.Server.Writes < count / 4, $"{h.Server.Writes} sends for {count} replies");
    }

    [Fact]
    public async Task A_slow_request_does_not_hold_back_a_fast_ones_reply_in_the_same_receive_or_later()
    {
        var slow = new TaskCompletionSource();
        await using var h = await Harness.StartAsync(async (header, body, ct) =>
        {
            if (header.Stream == 1) await slow.Task;
            return Echo(header.Stream, body);
        });

        await h.Client.SendAsync([.. Request(1, "slow"), .. Request(2, "fast")]); // one receive
        var first = await h.Client.ReadAsync(Wait) ?? throw new IOException("closed");
        Assert.Equal(2, first.Header.Stream);
        Assert.Equal(EchoBody("fast"), first.Body);

        await h.Client.SendAsync(Request(3, "later"));
        var second = await h.Client.ReadAsync(Wait) ?? throw new IOException("closed");
        Assert.Equal(3, second.Header.Stream);

        slow.SetResult();
        var last = await h.Client.ReadAsync(Wait) ?? throw new IOException("closed");
        Assert.Equal(1, last.Header.Stream);
        Assert.Equal(EchoBody("slow"), last.Body);
    }

    [Fact]
    public async Task Replies_to_a_client_that_stops_reading_are_bounded_and_the_close_gives_up_after_its_timeout()
    {
        using var pair = await SocketPair.OpenAsync();
        var server = new CountingStream(pair.Server);
        int released = 0, broken = 0;
        var writer = new NativeReplyWriter(server, u => Interlocked.Add(ref released, u), () => Interlocked.Increment(ref broken));
        server.Hold(); // the socket send never completes: a client that does not read
        writer.Enqueue(new byte[100], 1);
        await server.HeldWriteStarted.Task.WaitAsync(Wait);
        writer.Enqueue(new byte[100], 2); // waits behind the stuck send
        Assert.Equal(0, Volatile.Read(ref released));

        await writer.CompleteAsync(TimeSpan.FromMilliseconds(200)).WaitAsync(Wait);
        Assert.Equal(3, Volatile.Read(ref released)); // every unit handed back
        Assert.Equal(1, Volatile.Read(ref broken));
        writer.Enqueue(new byte[100], 4); // after the close: dropped, its units back at once
        Assert.Equal(7, Volatile.Read(ref released));
    }

    [Fact]
    public async Task A_failed_send_hands_back_every_unit_and_reports_the_connection_broken_once()
    {
        using var pair = await SocketPair.OpenAsync();
        await pair.Server.DisposeAsync(); // sends now fail
        int released = 0, broken = 0;
        var writer = new NativeReplyWriter(pair.Server, u => Interlocked.Add(ref released, u), () => Interlocked.Increment(ref broken));
        writer.Cork();
        writer.Enqueue(new byte[10], 1);
        writer.Enqueue(new byte[10], 1);
        writer.Uncork();
        await Until(() => Volatile.Read(ref released) == 2);
        writer.Enqueue(new byte[10], 5);
        Assert.Equal(7, Volatile.Read(ref released));
        Assert.Equal(1, Volatile.Read(ref broken));
        await writer.CompleteAsync(Wait).WaitAsync(Wait);
    }

    private static byte[] Request(short stream, string text, bool lz4 = false)
    {
        var frame = NativeTestClient.Frame(NativeOpcode.Query, stream, NativeTestClient.QueryBody(text));
        return lz4 ? NativeLz4.CompressFrame(frame) : frame;
    }

    /// <summary>A reply carrying the request's query text, so each reply can be matched to its request.</summary>
    private static byte[] Echo(short stream, byte[] requestBody)
    {
        string text = new NativeReader(requestBody).ReadLongString();
        return NativeFrame.Response(stream, NativeOpcode.Result, w => w.WriteRaw(EchoBody(text)));
    }

    private static byte[] EchoBody(string text) => NativeTestClient.Body(w => w.WriteLongString(text));

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(5);
        }
    }

    /// <summary>Both ends of a real loopback TCP connection.</summary>
    private sealed class SocketPair : IDisposable
    {
        private SocketPair(TcpClient client, NetworkStream server)
        {
            ClientSide = client;
            Server = server;
        }

        public TcpClient ClientSide { get; }

        public NetworkStream Server { get; }

        public static async Task<SocketPair> OpenAsync()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                var client = new TcpClient { NoDelay = true };
                var accept = listener.AcceptSocketAsync();
                await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
                var socket = await accept.WaitAsync(Wait);
                socket.NoDelay = true;
                return new SocketPair(client, new NetworkStream(socket, ownsSocket: true));
            }
            finally
            {
                listener.Stop();
            }
        }

        public void Dispose()
        {
            Server.Dispose();
            ClientSide.Dispose();
        }
    }

    /// <summary>A <see cref="NativeConnection"/> on the server end of a real socket, a raw client on the other.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly NativeConnection _connection;
        private readonly Task _run;
        private readonly CancellationTokenSource _stop = new();

        private Harness(TcpListener listener, CountingStream server, NativeConnection connection, NativeTestClient client)
        {
            _listener = listener;
            Server = server;
            _connection = connection;
            Client = client;
            _run = connection.RunAsync(_stop.Token);
        }

        public CountingStream Server { get; }

        public NativeTestClient Client { get; }

        public static async Task<Harness> StartAsync(Func<NativeFrameHeader, byte[], CancellationToken, Task<byte[]>> statements, bool lz4 = false)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var accept = listener.AcceptSocketAsync();
            var client = await NativeTestClient.ConnectAsync(((IPEndPoint)listener.LocalEndpoint).Port);
            var socket = await accept.WaitAsync(Wait);
            socket.NoDelay = true;
            var server = new CountingStream(new NetworkStream(socket, ownsSocket: true));
            var harness = new Harness(listener, server, new NativeConnection(server, statements, NullLogger.Instance), client);
            var (ready, _) = await client.RequestAsync(NativeOpcode.Startup, 0, NativeTestClient.StartupBody(lz4 ? "lz4" : null));
            Assert.Equal(NativeOpcode.Ready, ready.Opcode);
            return harness;
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await _stop.CancelAsync();
            await _run.WaitAsync(Wait);
            await _connection.DisposeAsync();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}

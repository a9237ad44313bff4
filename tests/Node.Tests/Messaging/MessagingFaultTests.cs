using System.Buffers.Binary;
using System.Net.Sockets;
using RingStore.Node.Messaging;
using static RingStore.Node.Tests.Messaging.DelegateHandler;
using static RingStore.Node.Tests.Messaging.MessagingTestKit;

namespace RingStore.Node.Tests.Messaging;

public class MessagingFaultTests
{
    [Fact]
    public async Task Oversized_length_prefix_closes_only_that_connection()
    {
        await using var server = await StartAsync(Options() with { MaxFrameBytes = 1024 * 1024 });
        await using var client = await StartAsync();
        server.RegisterHandler(Verb.Test, Echo());

        using var raw = await ConnectRawAsync(server.LocalAddress);
        var prefix = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, 0xFFFF_FFF0);
        await raw.SendAsync(prefix);

        await AssertClosedByPeerAsync(raw);
        await WaitUntilAsync(() => server.Counters.ConnectionsClosedForBadFrames >= 1, "bad frame counted");
        var ok = await client.SendRequestAsync(server.LocalAddress, Verb.Test, Bytes("still here"));
        Assert.Equal("echo:still here", Text(ok.Payload));
    }

    [Fact]
    public async Task Malformed_envelope_after_handshake_closes_only_that_connection()
    {
        var options = Options();
        await using var server = await StartAsync(options);
        await using var client = await StartAsync();
        server.RegisterHandler(Verb.Test, Echo());

        using var raw = await ConnectRawAsync(server.LocalAddress);
        var hello = FrameCodec.EncodeHello(new Hello(options.ProtocolVersion, options.ClusterName, Guid.NewGuid(), new PeerAddress("127.0.0.1", 1)));
        await raw.SendAsync(Frame(hello));
        await raw.SendAsync(Frame([0xC1, 0xC1, 0xC1, 0x00, 0x42])); // 0xC1 is never used in MessagePack

        await AssertClosedByPeerAsync(raw);
        await WaitUntilAsync(() => server.Counters.ConnectionsClosedForBadFrames >= 1, "bad frame counted");
        var ok = await client.SendRequestAsync(server.LocalAddress, Verb.Test, Bytes("x"));
        Assert.Equal("echo:x", Text(ok.Payload));
    }

    [Fact]
    public async Task Garbage_instead_of_hello_closes_the_connection()
    {
        await using var server = await StartAsync();
        using var raw = await ConnectRawAsync(server.LocalAddress);
        await raw.SendAsync(Frame([0x01, 0x02, 0x03]));

        await AssertClosedByPeerAsync(raw);
        await WaitUntilAsync(() => server.Counters.ConnectionsClosedForBadFrames >= 1, "bad hello counted");
    }

    [Fact]
    public async Task Peer_with_another_cluster_name_is_refused()
    {
        await using var server = await StartAsync(Options("cluster-a"));
        await using var client = await StartAsync(Options("cluster-b"));
        server.RegisterHandler(Verb.Test, Echo());

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => client.SendRequestAsync(server.LocalAddress, Verb.Test, Bytes("x")));

        Assert.Equal(RequestFailureReason.PeerUnreachable, ex.Reason);
        Assert.Contains("cluster name", ex.Detail, StringComparison.Ordinal);
        await WaitUntilAsync(() => server.Counters.HandshakesRefused >= 1, "server refused the handshake");
        Assert.Equal(0, server.Counters.FramesReceived);
    }

    [Fact]
    public async Task Peer_with_another_protocol_version_is_refused()
    {
        await using var server = await StartAsync();
        await using var client = await StartAsync(Options() with { ProtocolVersion = 99 });
        server.RegisterHandler(Verb.Test, Echo());

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => client.SendRequestAsync(server.LocalAddress, Verb.Test, Bytes("x")));

        Assert.Equal(RequestFailureReason.PeerUnreachable, ex.Reason);
        await WaitUntilAsync(() => server.Counters.HandshakesRefused >= 1, "server refused the handshake");
        Assert.Equal(0, server.Counters.FramesReceived);
    }

    [Fact]
    public async Task Pending_requests_fail_fast_when_the_peer_dies()
    {
        var server = await StartAsync();
        await using var client = await StartAsync();
        try
        {
            var arrived = 0;
            var never = new TaskCompletionSource<ReadOnlyMemory<byte>?>(TaskCreationOptions.RunContinuationsAsynchronously);
            server.RegisterHandler(Verb.Read, new DelegateHandler((_, _) =>
            {
                Interlocked.Increment(ref arrived);
                return new ValueTask<ReadOnlyMemory<byte>?>(never.Task);
            }));

            var requests = Enumerable.Range(0, 10)
                .Select(_ => client.SendRequestAsync(server.LocalAddress, Verb.Read, Bytes("r"), TimeSpan.FromSeconds(60)))
                .ToArray();
            await WaitUntilAsync(() => Volatile.Read(ref arrived) == 10, "requests reached the handler");

            var started = Environment.TickCount64;
            await server.DisposeAsync();

            foreach (var request in requests)
            {
                var ex = await Assert.ThrowsAsync<RequestFailedException>(() => request);
                Assert.Equal(RequestFailureReason.ConnectionLost, ex.Reason);
            }

            Assert.InRange(Environment.TickCount64 - started, 0, 5_000);
            never.SetResult(null);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Delivery_resumes_after_the_peer_restarts()
    {
        var server = await StartAsync();
        await using var client = await StartAsync();
        MessagingService? restarted = null;
        try
        {
            server.RegisterHandler(Verb.Test, Echo());
            var address = server.LocalAddress;
            Assert.Equal("echo:1", Text((await client.SendRequestAsync(address, Verb.Test, Bytes("1"))).Payload));

            await server.DisposeAsync();
            restarted = await StartAsync(listen: address);
            restarted.RegisterHandler(Verb.Test, new DelegateHandler((_, p) => ValueTask.FromResult<ReadOnlyMemory<byte>?>(Bytes("again:" + Text(p)))));

            // Requests may fail fast while the client notices the restart; one must succeed once it reconnects.
            string? answer = null;
            var deadline = Environment.TickCount64 + 10_000;
            while (answer is null && Environment.TickCount64 < deadline)
            {
                try
                {
                    answer = Text((await client.SendRequestAsync(address, Verb.Test, Bytes("2"), TimeSpan.FromSeconds(2))).Payload);
                }
                catch (RequestFailedException)
                {
                    await Task.Delay(20);
                }
            }

            Assert.Equal("again:2", answer);
            Assert.True(client.Counters.ConnectionsEstablished >= 2);

            // One-way messages queued by the client also flow again.
            var got = 0;
            restarted.RegisterHandler(Verb.GossipSyn, new DelegateHandler((_, _) =>
            {
                Interlocked.Increment(ref got);
                return ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);
            }));
            client.SendOneWay(address, Verb.GossipSyn, Bytes("g"));
            await WaitUntilAsync(() => Volatile.Read(ref got) == 1, "one-way after restart");
        }
        finally
        {
            await server.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Request_to_a_dead_address_fails_fast_without_waiting_for_the_timeout()
    {
        // Bind and release a port so nothing listens there.
        var dead = await StartAsync();
        var address = dead.LocalAddress;
        await dead.DisposeAsync();
        await using var client = await StartAsync();

        var started = Environment.TickCount64;
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => client.SendRequestAsync(address, Verb.Test, Bytes("x"), TimeSpan.FromSeconds(30)));

        Assert.Equal(RequestFailureReason.PeerUnreachable, ex.Reason);
        Assert.InRange(Environment.TickCount64 - started, 0, 5_000);
    }

    [Fact]
    public async Task Dispose_fails_pending_requests_with_Shutdown()
    {
        await using var server = await StartAsync();
        var client = await StartAsync();
        var never = new TaskCompletionSource<ReadOnlyMemory<byte>?>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.RegisterHandler(Verb.Read, new DelegateHandler((_, _) => new ValueTask<ReadOnlyMemory<byte>?>(never.Task)));
        var request = client.SendRequestAsync(server.LocalAddress, Verb.Read, Bytes("r"), TimeSpan.FromSeconds(60));

        await client.DisposeAsync();

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => request);
        Assert.True(ex.Reason is RequestFailureReason.Shutdown or RequestFailureReason.ConnectionLost, ex.Reason.ToString());
        never.SetResult(null);
    }

    private static byte[] Frame(byte[] body)
    {
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    private static async Task<Socket> ConnectRawAsync(PeerAddress address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(address.ToEndPoint());
        return socket;
    }

    /// <summary>Reads until the server closes the socket (0 bytes or reset), skipping its Hello if it sent one.</summary>
    private static async Task AssertClosedByPeerAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // Reset also counts as closed.
        }
    }
}

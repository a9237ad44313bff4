using RingStore.Node.Messaging;
using static RingStore.Node.Tests.Messaging.DelegateHandler;
using static RingStore.Node.Tests.Messaging.MessagingTestKit;

namespace RingStore.Node.Tests.Messaging;

public class MessagingServiceTests
{
    [Fact]
    public async Task Request_gets_the_handlers_response()
    {
        await using var server = await StartAsync();
        await using var client = await StartAsync();
        PeerAddress? seenSender = null;
        server.RegisterHandler(Verb.Test, new DelegateHandler((sender, payload) =>
        {
            seenSender = sender;
            return ValueTask.FromResult<ReadOnlyMemory<byte>?>(Bytes("echo:" + Text(payload)));
        }));

        var response = await client.SendRequestAsync(server.LocalAddress, Verb.Test, Bytes("hi"), TimeSpan.FromSeconds(5));

        Assert.Equal("echo:hi", Text(response.Payload));
        Assert.Equal(server.LocalAddress, response.From);
        Assert.Equal(Verb.Test, response.Verb);
        // The sender is the client's listen address from its Hello, not its ephemeral source port.
        Assert.Equal(client.LocalAddress, seenSender);
    }

    [Fact]
    public async Task Many_concurrent_requests_each_get_their_own_response()
    {
        await using var server = await StartAsync();
        await using var client = await StartAsync();
        server.RegisterHandler(Verb.Read, new DelegateHandler(async (_, payload) =>
        {
            // Out-of-order completion: responses must still be matched by request id.
            await Task.Delay(Random.Shared.Next(0, 5));
            return Bytes("r" + Text(payload));
        }));

        var tasks = Enumerable.Range(0, 2_000)
            .Select(i => client.SendRequestAsync(server.LocalAddress, Verb.Read, Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .ToArray();
        var responses = await Task.WhenAll(tasks);

        for (var i = 0; i < responses.Length; i++)
        {
            Assert.Equal("r" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Text(responses[i].Payload));
        }

    }

    [Fact]
    public async Task Request_without_response_times_out()
    {
        await using var server = await StartAsync();
        await using var client = await StartAsync();
        var never = new TaskCompletionSource<ReadOnlyMemory<byte>?>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.RegisterHandler(Verb.Mutation, new DelegateHandler((_, _) => new ValueTask<ReadOnlyMemory<byte>?>(never.Task)));

        var started = Environment.TickCount64;
        var ex = await Assert.ThrowsAsync<RequestTimeoutException>(
            () => client.SendRequestAsync(server.LocalAddress, Verb.Mutation, Bytes("m"), TimeSpan.FromMilliseconds(200)));

        Assert.IsAssignableFrom<TimeoutException>(ex);
        Assert.Equal(Verb.Mutation, ex.Verb);
        Assert.InRange(Environment.TickCount64 - started, 150, 4_000);
        never.SetResult(null);
    }

    [Fact]
    public async Task Per_verb_default_timeout_applies()
    {
        var options = Options() with { VerbTimeouts = new Dictionary<Verb, TimeSpan> { [Verb.Hint] = TimeSpan.FromMilliseconds(100) } };
        await using var server = await StartAsync();
        await using var client = await StartAsync(options);
        var never = new TaskCompletionSource<ReadOnlyMemory<byte>?>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.RegisterHandler(Verb.Hint, new DelegateHandler((_, _) => new ValueTask<ReadOnlyMemory<byte>?>(never.Task)));

        var ex = await Assert.ThrowsAsync<RequestTimeoutException>(() => client.SendRequestAsync(server.LocalAddress, Verb.Hint, Bytes("h")));

        Assert.Equal(TimeSpan.FromMilliseconds(100), ex.Timeout);
        never.SetResult(null);
    }

    [Fact]
    public async Task One_way_messages_are_delivered()
    {
        await using var server = await StartAsync();
        await using var client = await StartAsync();
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        server.RegisterHandler(Verb.GossipSyn, new DelegateHandler((_, payload) =>
        {
            received.Enqueue(Text(payload));
            return ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);
        }));

        client.SendOneWay(server.LocalAddress, Verb.GossipSyn, Bytes("a"));
        client.SendOneWay(server.LocalAddress, Verb.GossipSyn, Bytes("b"));

        await WaitUntilAsync(() => received.Count == 2, "two one-way messages");
        Assert.Equal(["a", "b"], received.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Handler_exception_fails_the_callers_request()
    {
        await using var server = await StartAsync();
        await using var client = await StartAsync();
        server.RegisterHandler(Verb.Mutation, new DelegateHandler((_, _) => throw new InvalidOperationException("disk on fire")));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => client.SendRequestAsync(server.LocalAddress, Verb.Mutation, Bytes("m")));

        Assert.Equal(RequestFailureReason.RemoteHandlerFailed, ex.Reason);
        Assert.Contains("disk on fire", ex.Detail, StringComparison.Ordinal);

        // The connection survives a handler failure.
        server.RegisterHandler(Verb.Test, Echo());
        var ok = await client.SendRequestAsync(server.LocalAddress, Verb.Test, Bytes("x"));
        Assert.Equal("echo:x", Text(ok.Payload));
    }

    [Fact]
    public async Task Request_for_a_verb_without_handler_fails_with_NoHandler()
    {
        await using var server = await StartAsync();
        await using var client = await StartAsync();

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => client.SendRequestAsync(server.LocalAddress, Verb.SchemaPull, Bytes("s")));

        Assert.Equal(RequestFailureReason.NoHandler, ex.Reason);
    }

    [Fact]
    public async Task Oversized_payload_is_refused_at_the_sender()
    {
        await using var server = await StartAsync();
        await using var client = await StartAsync(Options() with { MaxFrameBytes = 1024 });

        Assert.Throws<ArgumentException>(() => client.SendOneWay(server.LocalAddress, Verb.Test, new byte[2048]));
    }

    [Fact]
    public async Task Coalescing_writes_many_frames_per_flush()
    {
        await using var server = await StartAsync();
        await using var client = await StartAsync();
        var received = 0;
        server.RegisterHandler(Verb.GossipAck, new DelegateHandler((_, _) =>
        {
            Interlocked.Increment(ref received);
            return ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);
        }));

        for (var i = 0; i < 1_000; i++)
        {
            client.SendOneWay(server.LocalAddress, Verb.GossipAck, Bytes("payload-" + i));
        }

        await WaitUntilAsync(() => Volatile.Read(ref received) == 1_000, "1,000 one-way messages");
        Assert.Equal(1_000, client.Counters.FramesSent);
        Assert.True(client.Counters.Flushes * 10 < client.Counters.FramesSent, $"{client.Counters.Flushes} flushes for {client.Counters.FramesSent} frames");
    }
}

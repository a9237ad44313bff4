using RingStore.Node.Messaging;
using static RingStore.Node.Tests.Messaging.DelegateHandler;
using static RingStore.Node.Tests.Messaging.MessagingTestKit;

namespace RingStore.Node.Tests.Messaging;

/// <summary>
/// A handler whose reply would not fit in a frame: on real TCP, that one request fails with ResponseTooLarge while
/// the requests in flight beside it on the same connection succeed and the connection stays up (before, the
/// oversized frame made the receiver close the connection and fail them all).
/// </summary>
public class OversizedResponseTests
{
    [Fact]
    public async Task An_oversized_reply_fails_only_its_request_and_the_connection_stays_up()
    {
        var options = Options() with { MaxFrameBytes = 64 * 1024 };
        await using var server = await StartAsync(options with { HostId = Guid.NewGuid() });
        await using var client = await StartAsync(options with { HostId = Guid.NewGuid() });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int smallStarted = 0;
        server.RegisterHandler(Verb.Read, new DelegateHandler(async (_, payload) =>
        {
            string text = Text(payload);
            if (text == "big") return new byte[256 * 1024];
            Interlocked.Increment(ref smallStarted);
            await release.Task; // still in flight when the big reply is answered
            return Bytes("r" + text);
        }));

        // Warm the connection, so everything below runs on the one already established.
        Assert.Equal("rwarm", Text((await SendAfterRelease(client, server, "warm", release)).Payload));
        long connections = client.Counters.ConnectionsEstablished;
        release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        smallStarted = 0;

        var small = Enumerable.Range(0, 20).Select(i => client.SendRequestAsync(server.LocalAddress, Verb.Read, Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(30))).ToArray();
        await WaitUntilAsync(() => Volatile.Read(ref smallStarted) == 20, "the small requests reached the handler", 30_000);

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => client.SendRequestAsync(server.LocalAddress, Verb.Read, Bytes("big"), TimeSpan.FromSeconds(30)));
        Assert.Equal(RequestFailureReason.ResponseTooLarge, failure.Reason);
        Assert.Contains("frame limit", failure.Message, StringComparison.Ordinal);

        release.SetResult();
        var answers = await Task.WhenAll(small);
        for (int i = 0; i < answers.Length; i++) Assert.Equal("r" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Text(answers[i].Payload));
        Assert.Equal(connections, client.Counters.ConnectionsEstablished);
        Assert.Equal(0, client.Counters.ConnectionsClosedForBadFrames);
    }

    private static Task<Response> SendAfterRelease(MessagingService client, MessagingService server, string text, TaskCompletionSource release)
    {
        var pending = client.SendRequestAsync(server.LocalAddress, Verb.Read, Bytes(text), TimeSpan.FromSeconds(30));
        release.TrySetResult();
        return pending;
    }
}

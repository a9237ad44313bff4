using Microsoft.Extensions.Time.Testing;
using RingStore.Node.Messaging;
using static RingStore.Node.Tests.Messaging.DelegateHandler;
using static RingStore.Node.Tests.Messaging.MessagingTestKit;

namespace RingStore.Node.Tests.Messaging;

/// <summary>
/// Pooled callback requests: a request object is reused only once its sender and its outcome both let go, and every
/// event that arrives late for a recycled object (a response looked up just before it finished, the wheel firing it, the
/// writer marking it sent) names its old request id and does nothing to the request now using the object.
/// </summary>
public sealed class PendingRequestPoolTests
{
    private static readonly PeerAddress Peer = new("127.0.0.1", 1);

    private sealed class Outcomes : IResponseHandler
    {
        public List<(object? State, string What)> All { get; } = [];

        public void OnResponse(object? state, ReadOnlyMemory<byte> payload)
        {
            lock (All) All.Add((state, "ok:" + Text(payload)));
        }

        public void OnFailure(object? state, Exception error)
        {
            lock (All) All.Add((state, error.GetType().Name));
        }

        public List<(object? State, string What)> For(object state)
        {
            lock (All) return [.. All.Where(o => Equals(o.State, state))];
        }
    }

    [Fact]
    public void A_finished_request_returns_to_the_pool_only_when_its_sender_and_its_outcome_both_let_go()
    {
        var pool = new PendingRequestPool();
        var outcomes = new Outcomes();
        var removed = new List<long>();
        var first = pool.Rent(1, Peer, Verb.Mutation, TimeSpan.FromSeconds(2), outcomes, "a", removed.Add);
        first.Complete(1, Verb.Mutation, Bytes("x"));
        Assert.Equal([1L], removed);
        Assert.Equal(0, pool.Count); // the sender still holds it
        first.Release();
        Assert.Equal(1, pool.Count);

        var second = pool.Rent(2, Peer, Verb.Mutation, TimeSpan.FromSeconds(2), outcomes, "b", removed.Add);
        Assert.Same(first, second);
        Assert.Equal(0, pool.Count);
        second.Release(); // sender first this time
        Assert.Equal(0, pool.Count);
        second.Fail(2, RequestFailureReason.ConnectionLost, "gone");
        Assert.Equal(1, pool.Count);
        Assert.Equal([("a", "ok:x")], outcomes.For("a"));
        Assert.Equal([("b", nameof(RequestFailedException))], outcomes.For("b"));
    }

    [Fact]
    public void Late_events_for_a_recycled_request_do_nothing_to_the_request_now_using_it()
    {
        var time = new FakeTimeProvider();
        var wheel = new DeadlineWheel(time);
        var pool = new PendingRequestPool();
        var outcomes = new Outcomes();
        var old = pool.Rent(10, Peer, Verb.Mutation, TimeSpan.FromSeconds(1), outcomes, "old", static _ => { });
        old.Start(time, wheel, CancellationToken.None);
        old.MarkSent(10);
        old.Release();
        time.Advance(TimeSpan.FromSeconds(1)); // times out: back in the pool
        Assert.Equal([("old", nameof(RequestTimeoutException))], outcomes.For("old"));

        var current = pool.Rent(11, Peer, Verb.Mutation, TimeSpan.FromSeconds(1), outcomes, "new", static _ => { });
        Assert.Same(old, current);
        current.Start(time, wheel, CancellationToken.None);
        Assert.False(current.IsSent(11));

        // What could still reach the object for request 10: its response (found in the table just before it timed
        // out), a failure sweep, the wheel's firing taken just before the timeout, the writer taking it from the queue.
        current.Complete(10, Verb.Mutation, Bytes("late"));
        current.Fail(10, RequestFailureReason.ConnectionLost, "late");
        current.OnDeadline(10);
        current.MarkSent(10);
        Assert.False(current.IsSent(11));
        Assert.True(current.IsLive(11));
        Assert.False(current.IsLive(10));
        Assert.Empty(outcomes.For("new"));
        Assert.Single(outcomes.For("old"));

        current.Complete(11, Verb.Mutation, Bytes("mine"));
        current.Complete(11, Verb.Mutation, Bytes("twice"));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal([("new", "ok:mine")], outcomes.For("new"));
        Assert.Equal(0, wheel.Count);
    }

    /// <summary>
    /// Over TCP: 40 requests reach the peer and time out while it holds their answers; 40 more, on the recycled objects, wait while
    /// those late answers arrive (counted as late, dropped), then get their own answers: each request exactly one
    /// outcome, the right one.
    /// </summary>
    [Fact]
    public async Task Late_answers_over_tcp_never_complete_the_requests_that_reuse_their_objects()
    {
        await using var server = await StartAsync();
        await using var client = await StartAsync();
        var releaseSlow = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseHeld = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        int slowStarted = 0;
        server.RegisterHandler(Verb.Echo, new DelegateHandler(async (_, payload) => // a verb the peer answers past its expiry
        {
            string text = Text(payload);
            if (text.StartsWith("slow", StringComparison.Ordinal)) Interlocked.Increment(ref slowStarted);
            await (text.StartsWith("slow", StringComparison.Ordinal) ? releaseSlow.Task : releaseHeld.Task);
            return Bytes("r" + text);
        }));
        var outcomes = new Outcomes();
        const int N = 40;

        for (int i = 0; i < N; i++)
            client.SendRequest(server.LocalAddress, Verb.Echo, Bytes("slow" + i), TimeSpan.FromSeconds(5), outcomes, "slow" + i);
        // All of them on the server before they time out (one timed out still queued would never be answered at all).
        await WaitUntilAsync(() => Volatile.Read(ref slowStarted) == N, "the slow requests reached the server", 60_000);
        await WaitUntilAsync(() => outcomes.All.Count == N, "the slow requests timed out", 60_000);
        await WaitUntilAsync(() => client.Requests.Count >= N, "their objects back in the pool", 60_000);

        for (int i = 0; i < N; i++)
            client.SendRequest(server.LocalAddress, Verb.Echo, Bytes("held" + i), TimeSpan.FromSeconds(60), outcomes, "held" + i);
        long lateBefore = client.Counters.LateResponses;
        releaseSlow.SetResult(true);
        await WaitUntilAsync(() => client.Counters.LateResponses - lateBefore == N, "the late answers arrived and were dropped", 60_000);
        Assert.Equal(N, outcomes.All.Count);

        releaseHeld.SetResult(true);
        await WaitUntilAsync(() => outcomes.All.Count == 2 * N, "the held requests answered", 60_000);
        for (int i = 0; i < N; i++)
        {
            Assert.Equal([("slow" + i, nameof(RequestTimeoutException))], outcomes.For("slow" + i));
            Assert.Equal([("held" + i, "ok:rheld" + i)], outcomes.For("held" + i));
        }
    }
}

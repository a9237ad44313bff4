using Microsoft.Extensions.Time.Testing;
using RingStore.Node.Messaging;
using static RingStore.Node.Tests.Messaging.DelegateHandler;

namespace RingStore.Node.Tests.Messaging;

public class InMemoryNetworkTests
{
    private static readonly PeerAddress A = new("10.0.0.1", 7000);
    private static readonly PeerAddress B = new("10.0.0.2", 7000);

    private static (InMemoryNetwork Network, FakeTimeProvider Time, InMemoryMessagingService A, InMemoryMessagingService B) Build(int seed = 1)
    {
        var time = new FakeTimeProvider();
        var options = new MessagingOptions { ClusterName = "sim", DefaultRequestTimeout = TimeSpan.FromSeconds(1) };
        var network = new InMemoryNetwork(options, time, new Random(seed));
        return (network, time, network.AddNode(A), network.AddNode(B));
    }

    [Fact]
    public async Task Request_completes_only_when_the_caller_delivers()
    {
        var (network, _, a, b) = Build();
        b.RegisterHandler(Verb.Test, Echo());

        var task = a.SendRequestAsync(B, Verb.Test, Bytes("hi"));
        Assert.False(task.IsCompleted);

        Assert.True(network.DeliverNext()); // request to B; B's reply is now queued
        Assert.False(task.IsCompleted);
        Assert.True(network.DeliverNext()); // reply to A

        Assert.True(task.IsCompletedSuccessfully);
        var response = await task;
        Assert.Equal("echo:hi", Text(response.Payload));
        Assert.Equal(B, response.From);
        Assert.Equal(0, a.PendingRequests);
    }

    [Fact]
    public async Task Lost_request_times_out_on_the_fake_clock()
    {
        var (network, time, a, b) = Build();
        b.RegisterHandler(Verb.Test, Echo());
        network.DropFilter = (from, to, _) => from == A && to == B; // partition A -> B

        var task = a.SendRequestAsync(B, Verb.Test, Bytes("x"));
        Assert.Equal(0, network.DeliverAll());
        Assert.Equal(1, network.Dropped);

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(task.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<RequestTimeoutException>(() => task);
    }

    [Fact]
    public async Task Handler_failure_and_missing_handler_reach_the_caller()
    {
        var (network, _, a, b) = Build();
        b.RegisterHandler(Verb.Mutation, new DelegateHandler((_, _) => throw new InvalidOperationException("boom")));

        var failed = a.SendRequestAsync(B, Verb.Mutation, Bytes("m"));
        var unhandled = a.SendRequestAsync(B, Verb.Read, Bytes("r"));
        network.DeliverAll();

        Assert.Equal(RequestFailureReason.RemoteHandlerFailed, (await Assert.ThrowsAsync<RequestFailedException>(() => failed)).Reason);
        Assert.Equal(RequestFailureReason.NoHandler, (await Assert.ThrowsAsync<RequestFailedException>(() => unhandled)).Reason);
    }

    [Fact]
    public void Latency_orders_deliveries_and_DeliverDue_respects_the_clock()
    {
        var (network, time, a, b) = Build();
        var received = new List<string>();
        b.RegisterHandler(Verb.GossipSyn, new DelegateHandler((_, p) =>
        {
            received.Add(Text(p));
            return ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);
        }));
        network.MinLatency = TimeSpan.FromMilliseconds(10);
        network.MaxLatency = TimeSpan.FromMilliseconds(10);

        a.SendOneWay(B, Verb.GossipSyn, Bytes("1"));
        a.SendOneWay(B, Verb.GossipSyn, Bytes("2"));
        Assert.Equal(0, network.DeliverDue());

        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(2, network.DeliverDue());
        Assert.Equal(["1", "2"], received);
    }

    [Fact]
    public void Same_seed_gives_the_same_losses()
    {
        static string Run(int seed)
        {
            var (network, _, a, b) = Build(seed);
            var received = new List<string>();
            b.RegisterHandler(Verb.GossipSyn, new DelegateHandler((_, p) =>
            {
                received.Add(Text(p));
                return ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);
            }));
            network.DropProbability = 0.3;
            for (var i = 0; i < 200; i++)
            {
                a.SendOneWay(B, Verb.GossipSyn, Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            network.DeliverAll();
            Assert.InRange(received.Count, 100, 180);
            return string.Join(',', received);
        }

        Assert.Equal(Run(5), Run(5));
        Assert.NotEqual(Run(5), Run(6));
    }

    [Fact]
    public async Task Removed_node_loses_its_messages_and_requests_time_out()
    {
        var (network, time, a, b) = Build();
        b.RegisterHandler(Verb.Test, Echo());
        network.RemoveNode(B);

        var task = a.SendRequestAsync(B, Verb.Test, Bytes("x"), TimeSpan.FromMilliseconds(50));
        network.DeliverAll();
        Assert.Equal(1, network.Dropped);
        time.Advance(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAsync<RequestTimeoutException>(() => task);
    }

    [Fact]
    public async Task Cancellation_cancels_a_pending_request()
    {
        var (network, _, a, b) = Build();
        b.RegisterHandler(Verb.Test, Echo());
        using var cts = new CancellationTokenSource();

        var task = a.SendRequestAsync(B, Verb.Test, Bytes("x"), cts.Token);
        await cts.CancelAsync();
        network.DeliverAll(); // the late reply is ignored

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal(0, a.PendingRequests);
    }
}

using RingStore.Node.Messaging;
using static RingStore.Node.Tests.Messaging.DelegateHandler;
using static RingStore.Node.Tests.Messaging.MessagingTestKit;

namespace RingStore.Node.Tests.Messaging;

/// <summary>
/// <see cref="IMessagingService.SendRequest"/>, the callback form of a request (the coordinator's replica mutations):
/// over TCP, many concurrent requests each reach their handler once with their own state and payload; a handler failure
/// and a timeout arrive as the same exceptions the task form throws, once; and the in-memory network's default
/// (adapting the task) behaves the same.
/// </summary>
public sealed class ResponseHandlerTests
{
    /// <summary>Records every callback by its state (an int), so a second callback for one request is seen.</summary>
    private sealed class Recorder : IResponseHandler
    {
        private readonly Dictionary<int, List<object>> _outcomes = [];

        public void OnResponse(object? state, ReadOnlyMemory<byte> payload) => Add((int)state!, Text(payload));

        public void OnFailure(object? state, Exception error) => Add((int)state!, error);

        private void Add(int id, object outcome)
        {
            lock (_outcomes)
            {
                if (!_outcomes.TryGetValue(id, out var list)) _outcomes[id] = list = [];
                list.Add(outcome);
            }
        }

        public int Count
        {
            get { lock (_outcomes) return _outcomes.Count; }
        }

        public List<object> For(int id)
        {
            lock (_outcomes) return [.. _outcomes.GetValueOrDefault(id) ?? []];
        }
    }

    [Fact]
    public async Task Concurrent_requests_each_reach_the_handler_once_with_their_own_state_and_payload()
    {
        await using var server = await StartAsync();
        await using var client = await StartAsync();
        server.RegisterHandler(Verb.Read, new DelegateHandler(async (_, payload) =>
        {
            await Task.Delay(Random.Shared.Next(0, 3)); // out of order: matched by request id
            return Bytes("r" + Text(payload));
        }));
        var recorder = new Recorder();

        for (int i = 0; i < 500; i++)
            client.SendRequest(server.LocalAddress, Verb.Read, Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), TimeSpan.FromSeconds(30), recorder, i);

        await WaitUntilAsync(() => recorder.Count == 500, "every request answered", 60_000);
        for (int i = 0; i < 500; i++)
            Assert.Equal(["r" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)], recorder.For(i));
    }

    [Fact]
    public async Task A_handler_failure_and_a_timeout_are_reported_once_as_the_task_form_reports_them()
    {
        await using var server = await StartAsync();
        await using var client = await StartAsync();
        server.RegisterHandler(Verb.Test, new DelegateHandler((_, _) => throw new InvalidOperationException("boom")));
        var never = new TaskCompletionSource<ReadOnlyMemory<byte>?>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.RegisterHandler(Verb.Mutation, new DelegateHandler((_, _) => new ValueTask<ReadOnlyMemory<byte>?>(never.Task)));
        var recorder = new Recorder();

        client.SendRequest(server.LocalAddress, Verb.Test, Bytes("x"), TimeSpan.FromSeconds(30), recorder, 1);
        client.SendRequest(server.LocalAddress, Verb.Mutation, Bytes("m"), TimeSpan.FromMilliseconds(200), recorder, 2);

        await WaitUntilAsync(() => recorder.Count == 2, "both requests reported", 30_000);
        var failed = Assert.IsType<RequestFailedException>(Assert.Single(recorder.For(1)));
        Assert.Equal(RequestFailureReason.RemoteHandlerFailed, failed.Reason);
        Assert.Contains("boom", failed.Detail, StringComparison.Ordinal);
        var timedOut = Assert.IsType<RequestTimeoutException>(Assert.Single(recorder.For(2)));
        Assert.Equal(Verb.Mutation, timedOut.Verb);
        // A response after the timeout is dropped: still one outcome.
        never.SetResult(Bytes("late"));
        await Task.Delay(200);
        Assert.Single(recorder.For(2));
    }

    [Fact]
    public async Task The_in_memory_network_adapts_the_task_form()
    {
        var network = new InMemoryNetwork(new MessagingOptions { ClusterName = "sim" }, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(), new Random(1));
        var a = network.AddNode(new PeerAddress("10.0.0.1", 7000));
        var b = network.AddNode(new PeerAddress("10.0.0.2", 7000));
        b.RegisterHandler(Verb.Test, Echo());
        var recorder = new Recorder();

        IMessagingService sender = a;
        sender.SendRequest(b.LocalAddress, Verb.Test, Bytes("hi"), TimeSpan.FromSeconds(30), recorder, 7);
        Assert.Equal(0, recorder.Count);
        Assert.True(network.DeliverNext()); // the request to B
        Assert.True(network.DeliverNext()); // the reply to A

        // The adapter's continuation runs inline only without a synchronization context (the simulation); xunit has one.
        await WaitUntilAsync(() => recorder.Count == 1, "the echo answered", 30_000);
        Assert.Equal(["echo:hi"], recorder.For(7));
    }
}

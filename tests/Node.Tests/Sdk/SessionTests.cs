using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using RingStore.Client;
using RingStore.Client.Protos;
using RingStore.Client.Sessions;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Sdk;

/// <summary>
/// The Session RPC and its client (<see cref="RingStoreSession"/>): many Mutate, Read and Execute calls over one stream, each answered with its
/// own reply or its own error, deadlines and cancellation per call, and a broken stream failing every call as a
/// transport failure.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SessionTests
{
    private static readonly DateTime Far = DateTime.MaxValue;

    private static MutateRequest Write(string table, long pk, string value, Consistency consistency = Consistency.Quorum)
    {
        var m = new Mutation { Keyspace = "ks", Table = table };
        m.PartitionKey.Add(new Value { Bigint = pk });
        var row = new RowWrite();
        row.Clustering.Add(new Value { Int = 0 });
        row.Cells["v"] = new Value { Text = value };
        m.Rows.Add(row);
        var request = new MutateRequest { Consistency = consistency };
        request.Mutations.Add(m);
        return request;
    }

    private static ReadRequest Read(long pk)
    {
        var r = new ReadRequest { Keyspace = "ks", Table = "t", Consistency = Consistency.Quorum };
        r.PartitionKey.Add(new Value { Bigint = pk });
        return r;
    }

    private static GrpcChannel Channel(string address) => GrpcChannel.ForAddress($"http://{address}");

    /// <summary>Three in-process nodes serving gRPC, with the sample table ks.t (RF 3).</summary>
    private static async Task<InProcessCluster> StartClusterAsync()
    {
        var cluster = await InProcessCluster.StartAsync(3, withGrpc: true);
        await cluster.CreateSampleTableAsync();
        return cluster;
    }

    /// <summary>A channel to one node and a session on it, closed in that order.</summary>
    private sealed class SessionToNode : IAsyncDisposable
    {
        private readonly GrpcChannel _channel;

        public SessionToNode(string address)
        {
            _channel = Channel(address);
            Api = new RingStoreApi.RingStoreApiClient(_channel);
            Session = RingStoreSession.Open(Api);
        }

        public RingStoreApi.RingStoreApiClient Api { get; }

        public RingStoreSession Session { get; }

        public async ValueTask DisposeAsync()
        {
            await Session.DisposeAsync();
            _channel.Dispose();
        }
    }

    [Fact]
    public async Task Concurrent_calls_over_one_session_each_get_their_own_reply()
    {
        await using var cluster = await StartClusterAsync();
        await using var node = new SessionToNode(cluster.GrpcAddress(0));
        var session = node.Session;

        // More calls at once than a session admits on the node (ApiSession.MaxCallsInFlight = 1,024): the node stops
        // reading until replies free slots, and every call is still answered.
        const int Calls = 1_500;
        await Task.WhenAll(Enumerable.Range(0, Calls).Select(pk => session.MutateAsync(Write("t", pk, $"value-{pk}"), Far)));
        var reads = await Task.WhenAll(Enumerable.Range(0, Calls).Select(pk => session.ReadAsync(Read(pk), Far)));

        for (int pk = 0; pk < Calls; pk++)
        {
            var row = Assert.Single(reads[pk].Rows);
            Assert.Equal(pk, row.Values[0].Bigint);
            Assert.Equal($"value-{pk}", row.Values[2].Text);
        }
        Assert.Equal(0, session.Pending);
        Assert.False(session.IsFailed);
        // The writes went through the coordinator like unary ones: replicated to all three nodes.
        for (int n = 0; n < 3; n++) Assert.True(cluster[n].Metrics.ReplicaWrites >= Calls, $"node {n} applied {cluster[n].Metrics.ReplicaWrites}");
    }

    [Fact]
    public async Task A_failing_call_gets_the_unary_calls_error_and_the_session_goes_on()
    {
        await using var cluster = await StartClusterAsync();
        await using var node = new SessionToNode(cluster.GrpcAddress(1));
        var (api, session) = (node.Api, node.Session);

        var wrongType = Write("t", 5, "x");
        wrongType.Mutations[0].Rows[0].Cells["v"] = new Value { Bigint = 5 };
        var good = session.MutateAsync(Write("t", 6, "fine"), Far);
        var unknown = session.MutateAsync(Write("nope", 1, "x"), Far);
        var badType = session.MutateAsync(wrongType, Far);
        var emptyCall = session.ReadAsync(new ReadRequest { Keyspace = "ks", Table = "t" }, Far); // no partition key

        await good;
        var unknownError = RingStoreException.From(await Assert.ThrowsAsync<RpcException>(() => unknown));
        Assert.Equal(Core.Errors.RequestErrorKind.UnknownTable, unknownError.Kind);
        Assert.Equal(StatusCode.NotFound, unknownError.StatusCode);
        var typeError = RingStoreException.From(await Assert.ThrowsAsync<RpcException>(() => badType));
        Assert.Equal(Core.Errors.RequestErrorKind.InvalidRequest, typeError.Kind);
        Assert.Contains("'v' is text", typeError.Message, StringComparison.Ordinal);
        var keyError = RingStoreException.From(await Assert.ThrowsAsync<RpcException>(() => emptyCall));
        Assert.Equal(Core.Errors.RequestErrorKind.InvalidRequest, keyError.Kind);

        // The same error through the unary call, for comparison: identical kind and text.
        var unary = RingStoreException.From(await Assert.ThrowsAsync<RpcException>(async () => await api.MutateAsync(wrongType)));
        Assert.Equal(typeError.Kind, unary.Kind);
        Assert.Equal(typeError.Message, unary.Message);

        Assert.False(session.IsFailed);
        var after = await session.ReadAsync(Read(6), Far);
        Assert.Equal("fine", Assert.Single(after.Rows).Values[2].Text);
        Assert.Empty((await session.ReadAsync(Read(5), Far)).Rows); // the bad write wrote nothing
    }

    [Fact]
    public async Task An_oversized_call_fails_alone_and_the_sdk_sends_large_requests_as_unary_calls()
    {
        await using var cluster = await StartClusterAsync();
        await using var node = new SessionToNode(cluster.GrpcAddress(0));
        var session = node.Session;
        string big = new('b', RingStoreSession.MaxCallBytes + 1);

        var pending = session.MutateAsync(Write("t", 1, "small"), Far);
        var refused = await Assert.ThrowsAsync<RpcException>(() => session.MutateAsync(Write("t", 2, big), Far));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        await pending; // the other call on the stream was not disturbed
        Assert.False(session.IsFailed);

        // Through the SDK the same write goes as a unary call and succeeds; reading it back comes over the session.
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions { ContactPoints = [cluster.GrpcAddress(0)] });
        await client.MutateAsync(Write("t", 2, big).Mutations, Consistency.Quorum);
        var back = await client.ReadAsync(Read(2));
        Assert.Equal(big.Length, Assert.Single(back.Rows).Values[2].Text.Length);

        // Over the node's value cap (16 MiB): the node's own error, as for any unary call.
        var tooLarge = await Assert.ThrowsAsync<RingStoreException>(() => client.MutateAsync(Write("t", 3, new string('c', 17 << 20)).Mutations));
        Assert.Equal(Core.Errors.RequestErrorKind.ValueTooLarge, tooLarge.Kind);
    }

    [Fact]
    public async Task Statements_run_over_a_session_with_bind_values_paging_and_errors()
    {
        await using var cluster = await StartClusterAsync();
        await using var node = new SessionToNode(cluster.GrpcAddress(2));
        var session = node.Session;

        await Task.WhenAll(Enumerable.Range(0, 30).Select(ck =>
        {
            var insert = new ExecuteRequest { Statement = "INSERT INTO ks.t (pk, ck, v) VALUES (?, ?, ?)", Consistency = Consistency.Quorum };
            insert.Values.Add(new Value { Bigint = 9 });
            insert.Values.Add(new Value { Int = ck });
            insert.Values.Add(new Value { Text = $"row {ck}" });
            return session.ExecuteAsync(insert, Far);
        }));

        var select = new ExecuteRequest { Statement = "SELECT ck, v FROM ks.t WHERE pk = 9", Consistency = Consistency.Quorum, PageSize = 20 };
        var first = await session.ExecuteAsync(select, Far);
        Assert.Equal(20, first.Rows.Count);
        Assert.False(first.PagingState.IsEmpty);
        select.PagingState = first.PagingState;
        var second = await session.ExecuteAsync(select, Far);
        Assert.Equal(Enumerable.Range(0, 30), first.Rows.Concat(second.Rows).Select(r => r.Values[0].Int));
        Assert.Equal("row 29", second.Rows[^1].Values[1].Text);

        var syntax = RingStoreException.From(await Assert.ThrowsAsync<RpcException>(() =>
            session.ExecuteAsync(new ExecuteRequest { Statement = "SELEKT * FROM ks.t" }, Far)));
        Assert.Equal(Core.Errors.RequestErrorKind.InvalidRequest, syntax.Kind);
        Assert.Contains("line 1", syntax.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(session.IsFailed);
    }

    [Fact]
    public async Task Consistency_errors_carry_their_counts_through_a_session()
    {
        await using var cluster = await StartClusterAsync();
        await cluster.StopNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster.AllSeeDown(2), TimeSpan.FromSeconds(20), "node 2 seen down");
        await using var node = new SessionToNode(cluster.GrpcAddress(0));
        var session = node.Session;

        var error = RingStoreException.From(await Assert.ThrowsAsync<RpcException>(() => session.MutateAsync(Write("t", 1, "x", Consistency.All), Far)));
        Assert.Equal(Core.Errors.RequestErrorKind.Unavailable, error.Kind);
        Assert.Equal(3, error.Required);
        Assert.Equal(2, error.Alive);
        await session.MutateAsync(Write("t", 1, "x", Consistency.Quorum), Far); // two of three are enough for QUORUM
    }

    [Fact]
    public async Task A_node_that_stops_fails_the_session_as_a_transport_failure()
    {
        await using var cluster = await StartClusterAsync();
        await using var node = new SessionToNode(cluster.GrpcAddress(2));
        var session = node.Session;
        await session.MutateAsync(Write("t", 1, "before"), Far);
        await cluster.StopNodeAsync(2);

        var failure = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            // The first call may be queued before the stream notices the node is gone; within a few it must fail.
            for (int i = 0; i < 50; i++)
            {
                await session.MutateAsync(Write("t", 1, "after"), DateTime.UtcNow.AddSeconds(10));
                await Task.Delay(100);
            }
        });
        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.True(RingStoreException.From(failure).IsTransportFailure);
        Assert.True(session.IsFailed);
        // A failed session fails at once from then on.
        await Assert.ThrowsAsync<RpcException>(() => session.ReadAsync(Read(1), Far));
    }

    [Fact]
    public async Task The_sdk_opens_a_new_session_to_a_node_that_comes_back()
    {
        await using var cluster = await StartClusterAsync();
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions
        {
            ContactPoints = [cluster.GrpcAddress(0)],
            MetadataRefreshInterval = TimeSpan.FromMilliseconds(200),
            DownNodeRetryDelay = TimeSpan.FromMilliseconds(300),
        });
        for (int pk = 0; pk < 30; pk++) await client.MutateAsync(Write("t", pk, "before").Mutations, Consistency.Quorum);

        await cluster.StopNodeAsync(2); // its session breaks
        for (int pk = 0; pk < 30; pk++) await client.MutateAsync(Write("t", pk, "while down").Mutations, Consistency.Quorum);
        await cluster.StartNodeAsync(2);
        await cluster.WaitUntilAsync(cluster.AllSeeAllUp, TimeSpan.FromSeconds(20), "node 2 back up");

        // The restarted node (fresh metrics) must coordinate again: the client replaced the failed session.
        int key = 1_000;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (cluster[2].Metrics.CoordinatorWrites == 0 && DateTime.UtcNow < deadline)
            await client.MutateAsync(Write("t", key++, "after").Mutations, Consistency.Quorum);
        Assert.True(cluster[2].Metrics.CoordinatorWrites > 0, $"node 2 coordinated nothing in {key - 1_000} writes after its restart");
    }

    [Fact]
    public async Task A_call_without_a_request_is_refused_alone()
    {
        await using var cluster = await StartClusterAsync();
        using var channel = Channel(cluster.GrpcAddress(0));
        using var stream = new RingStoreApi.RingStoreApiClient(channel).Session();
        var message = new SessionRequest();
        message.Calls.Add(new SessionCall { Id = 1 }); // neither mutate, read nor execute
        message.Calls.Add(new SessionCall { Id = 2, Read = Read(1) });
        await stream.RequestStream.WriteAsync(message);
        await stream.RequestStream.CompleteAsync();

        var replies = new Dictionary<ulong, SessionReply>();
        while (await stream.ResponseStream.MoveNext(CancellationToken.None))
            foreach (var reply in stream.ResponseStream.Current.Replies) replies[reply.Id] = reply;

        Assert.Equal(2, replies.Count); // the node answered both before ending the stream
        var error = replies[1].Error;
        Assert.Equal((int)StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("InvalidRequest", error.Trailers["ringstore-error-kind"]);
        Assert.Contains("mutate, read or execute", error.Detail, StringComparison.Ordinal);
        Assert.Equal(SessionReply.ResultOneofCase.Read, replies[2].ResultCase);
    }

    [Fact]
    public async Task Deadline_and_cancellation_end_a_call_the_node_never_answers()
    {
        // A listener that accepts connections and never speaks HTTP/2: calls wait until their deadline or cancellation.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            try { while (true) accepted.Add(await silent.AcceptSocketAsync()); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        });
        using var channel = Channel($"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}");
        var session = RingStoreSession.Open(new RingStoreApi.RingStoreApiClient(channel));
        try
        {
            var timedOut = await Assert.ThrowsAsync<RpcException>(() => session.ReadAsync(Read(1), DateTime.UtcNow.AddMilliseconds(300)));
            Assert.Equal(StatusCode.DeadlineExceeded, timedOut.StatusCode);

            using var cancel = new CancellationTokenSource();
            var pending = session.ReadAsync(Read(2), Far, cancel.Token);
            await Task.Delay(100);
            Assert.False(pending.IsCompleted);
            await cancel.CancelAsync();
            var cancelled = await Assert.ThrowsAsync<RpcException>(() => pending);
            Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
            Assert.Equal(0, session.Pending);

            // Closing the session fails what is still waiting.
            var waiting = session.MutateAsync(Write("t", 3, "x"), Far);
            await session.DisposeAsync();
            Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => waiting)).StatusCode);
        }
        finally
        {
            await session.DisposeAsync();
            silent.Stop();
            await accepting;
            foreach (var socket in accepted) socket.Dispose();
        }
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Node.Metrics;
using RingStore.Node.Requests;
using RingStore.Node.Tests.Cluster;
using RingStore.Node.Verbs;
using RingStore.Storage.Engine;

namespace RingStore.Node.Tests.Messaging;

/// <summary>
/// A replica's dispatcher and the real verb handlers over a real engine: a request whose budget is spent is dropped
/// before it touches storage (a read reads nothing, a write is not applied), counted like Cassandra's dropped messages,
/// and answered with nothing; a read whose expiry passes while it runs stops in the engine's row loop. Verbs that
/// carry no client deadline (gossip, schema, streaming, ...) run whatever their budget.
/// </summary>
public sealed class ExpiredRequestTests : IAsyncLifetime
{
    private static readonly TableSchema Schema = new("ks", "t",
        [new ColumnDefinition("pk", ColumnType.BigInt)],
        [new ClusteringColumn("ck", ColumnType.Int)],
        [new ColumnDefinition("v", ColumnType.Text)]);
    private static readonly PeerAddress Sender = new("127.0.0.1", 7000);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ringstore-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new();
    private readonly MessagingCounters _counters = new();
    private readonly StorageEngine _engine;
    private readonly NodeMetrics _metrics;
    private readonly LocalReplica _replica;
    private readonly VerbDispatcher _dispatcher;

    public ExpiredRequestTests()
    {
        _engine = StorageEngine.Open(new StorageEngineOptions { DataDirectory = _dir, BackgroundCompaction = false }, [Schema]);
        _metrics = new NodeMetrics(_time);
        _replica = new LocalReplica(_engine, _metrics, new TopPartitionsTracker());
        _dispatcher = new VerbDispatcher(NullLogger.Instance, time: _time, counters: _counters);
        _dispatcher.Register(Verb.Read, new ReadVerbHandler(_replica));
        _dispatcher.Register(Verb.Mutation, new MutationVerbHandler(_replica));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        _metrics.Dispose();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private TableMetrics Table => _engine.MetricsOf(Schema.FullName);

    private RequestExpiry In(TimeSpan budget) => RequestExpiry.After(_time.GetTimestamp(), _time.TimestampFrequency, budget)!.Value;

    private static Envelope ReadOf(long pk, RequestExpiry? expiry) => new(Verb.Read, 1, MessageFlags.None,
        CoordinationMessageSerializer.Serialize(ReadCommandMessage.For(SampleData.Partition(Schema, pk), digestOnly: false)), expiry);

    private static Envelope WriteOf(PartitionUpdate update, RequestExpiry? expiry) => new(Verb.Mutation, 2, MessageFlags.None,
        CoordinationMessageSerializer.Serialize(MutationMessage.For(update)), expiry);

    [Fact]
    public async Task A_read_whose_budget_is_spent_is_dropped_without_touching_storage()
    {
        await _engine.ApplyAsync(SampleData.Upsert(Schema, 1, 1, "one"));
        var spent = In(TimeSpan.FromMilliseconds(5));
        _time.Advance(TimeSpan.FromMilliseconds(5));

        Assert.Null(await _dispatcher.DispatchAsync(Sender, ReadOf(1, spent), CancellationToken.None));
        Assert.Equal(0, Table.Reads);
        Assert.Equal(0, Table.PartitionRowsRead);
        Assert.Equal(1, _counters.ExpiredRequestsDroppedOf(Verb.Read));

        // With budget left the same read is answered, and it is the engine's first.
        var answer = await _dispatcher.DispatchAsync(Sender, ReadOf(1, In(TimeSpan.FromSeconds(1))), CancellationToken.None);
        var data = CoordinationMessageSerializer.Deserialize<ReadResponseMessage>(answer!.Value.Payload).ToReplicaResponse("x").Data;
        Assert.Equal("one", SampleData.Value(Assert.Single(data!.Rows)));
        Assert.Equal(1, Table.Reads);
        Assert.Equal(1, _counters.ExpiredRequestsDropped);
    }

    [Fact]
    public async Task A_write_whose_budget_is_spent_is_not_applied()
    {
        var spent = In(TimeSpan.FromMilliseconds(2));
        _time.Advance(TimeSpan.FromMilliseconds(3));
        Assert.Null(await _dispatcher.DispatchAsync(Sender, WriteOf(SampleData.Upsert(Schema, 2, 1, "late"), spent), CancellationToken.None));
        Assert.Empty(_engine.Read(SampleData.Partition(Schema, 2)).Rows);
        Assert.Equal(0, Table.Writes);
        Assert.Equal(1, _counters.ExpiredRequestsDroppedOf(Verb.Mutation));

        // No deadline (an older coordinator) and a deadline not yet passed are both applied.
        var acked = await _dispatcher.DispatchAsync(Sender, WriteOf(SampleData.Upsert(Schema, 2, 1, "old sender"), null), CancellationToken.None);
        Assert.False(acked!.Value.IsFailure);
        acked = await _dispatcher.DispatchAsync(Sender, WriteOf(SampleData.Upsert(Schema, 2, 2, "in time"), In(TimeSpan.FromSeconds(2))), CancellationToken.None);
        Assert.False(acked!.Value.IsFailure);
        Assert.Equal(["old sender", "in time"], _engine.Read(SampleData.Partition(Schema, 2)).Rows.Select(SampleData.Value));
        Assert.Equal(1, _counters.ExpiredRequestsDropped);
    }

    [Fact]
    public async Task A_read_whose_expiry_passes_after_it_started_is_stopped_by_the_engine_and_answers_nothing()
    {
        // The handler starts, then the clock passes the expiry (FakeTimeProvider fires the expiry timer inside
        // Advance) before it reads: the token the dispatcher handed it has fired, the engine's row loop stops at its
        // first check, and the dispatcher answers nothing. (ReadProgressTests: a loop already running stops too.)
        var rows = Enumerable.Range(0, 1_000).Select(ck => SampleData.Upsert(Schema, 3, ck, "v").Rows[0]).ToArray();
        await _engine.ApplyAsync(PartitionUpdate.OfRows(Schema.FullName, SampleData.Key(Schema, 3), rows));
        _dispatcher.Register(Verb.Read, new SlowToStart(_replica, _time));

        Assert.Null(await _dispatcher.DispatchAsync(Sender, ReadOf(3, In(TimeSpan.FromMilliseconds(50))), CancellationToken.None));
        Assert.Equal(1, _counters.ExpiredRequestsDroppedOf(Verb.Read));
        Assert.InRange(Table.PartitionRowsRead, 0, Storage.Reads.ReadProgress.CheckInterval);
    }

    [Fact]
    public async Task Verbs_without_a_client_deadline_run_whatever_their_budget()
    {
        _dispatcher.Register(Verb.Echo, new EchoVerbHandler());
        var spent = In(TimeSpan.FromMilliseconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        var echo = await _dispatcher.DispatchAsync(Sender, new Envelope(Verb.Echo, 5, MessageFlags.None, new byte[] { 1 }, spent), CancellationToken.None);
        Assert.Equal(new byte[] { 1 }, echo!.Value.Payload.ToArray());
        Assert.Equal(0, _counters.ExpiredRequestsDropped);
    }

    /// <summary>The read handler, reached only after the request's expiry passed (a replica busy with other work).</summary>
    private sealed class SlowToStart(LocalReplica replica, FakeTimeProvider time) : IVerbHandler
    {
        public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            var command = CoordinationMessageSerializer.Deserialize<ReadCommandMessage>(payload);
            return ValueTask.FromResult<ReadOnlyMemory<byte>?>(CoordinationMessageSerializer.Serialize(replica.Read(command, cancellationToken)));
        }
    }
}

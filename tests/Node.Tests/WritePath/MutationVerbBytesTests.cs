using Microsoft.Extensions.Logging.Abstractions;
using RingStore.Core.Schema;
using RingStore.Core.Serialization;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Node.Metrics;
using RingStore.Node.Requests;
using RingStore.Node.Tests.Cluster;
using RingStore.Node.Verbs;
using RingStore.Storage.Engine;

namespace RingStore.Node.Tests.WritePath;

/// <summary>
/// A replica applies the coordinator's encoded update as bytes (issue 20), through the real dispatcher, verb handler,
/// <see cref="LocalReplica"/> and an engine on disk: a good one is acked, readable, counted in the replica metrics and
/// the top-partitions sketch; a Mutation whose update bytes are malformed gets an error reply (never an ack) and
/// nothing is applied.
/// </summary>
public sealed class MutationVerbBytesTests : IAsyncLifetime
{
    private static readonly TableSchema Schema = new("ks", "t",
        [new ColumnDefinition("pk", ColumnType.BigInt)],
        [new ClusteringColumn("ck", ColumnType.Int)],
        [new ColumnDefinition("v", ColumnType.Text)]);
    private static readonly PeerAddress Sender = new("127.0.0.1", 7000);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ringstore-tests", Guid.NewGuid().ToString("N"));
    private StorageEngine _engine = null!;
    private NodeMetrics _metrics = null!;
    private readonly TopPartitionsTracker _top = new();
    private VerbDispatcher _dispatcher = null!;

    public Task InitializeAsync()
    {
        _engine = StorageEngine.Open(new StorageEngineOptions { DataDirectory = _dir }, [Schema]);
        _metrics = new NodeMetrics(TimeProvider.System);
        _dispatcher = new VerbDispatcher(NullLogger.Instance);
        _dispatcher.Register(Verb.Mutation, new MutationVerbHandler(new LocalReplica(_engine, _metrics, _top)));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        _metrics.Dispose();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private Task<Envelope?> Send(byte[] payload) =>
        _dispatcher.DispatchAsync(Sender, new Envelope(Verb.Mutation, 1, MessageFlags.None, payload), CancellationToken.None).AsTask();

    [Fact]
    public async Task A_good_update_is_acked_applied_and_counted()
    {
        var update = SampleData.Upsert(Schema, 7, 1, "seven");
        var reply = await Send(CoordinationMessageSerializer.Serialize(MutationMessage.For(update)));
        Assert.True(reply is { IsFailure: false } r && r.Payload.IsEmpty);
        Assert.Equal("seven", SampleData.Value(Assert.Single(_engine.Read(SampleData.Partition(Schema, 7)).Rows)));
        var hot = Assert.Single(_top.Top(5), t => t.IsWrite);
        Assert.Equal(Schema.FullName, hot.Table);
        Assert.Equal(Convert.ToHexString(update.PartitionKey), hot.Hitter.Item);
    }

    [Fact]
    public async Task A_mutation_with_malformed_update_bytes_gets_an_error_reply_and_nothing_is_applied()
    {
        byte[] good = DataSerializer.Serialize(SampleData.Upsert(Schema, 8, 1, "eight"));
        foreach (var bad in new[] { good[..(good.Length - 3)], [.. good, 0], good[..5] })
        {
            var reply = await Send(CoordinationMessageSerializer.Serialize(new MutationMessage(CoordinationMessageSerializer.CurrentVersion, bad)));
            Assert.True(reply is { IsFailure: true }, "a malformed update must not be acked");
        }
        Assert.Empty(_engine.Read(SampleData.Partition(Schema, 8)).Rows);
        Assert.Equal(0, _engine.MetricsOf(Schema.FullName).Writes);
        Assert.DoesNotContain(_top.Top(5), t => t.IsWrite);
    }
}

using Microsoft.Extensions.Time.Testing;
using RingStore.Node.Messaging;
using RingStore.Node.Schema;
using static RingStore.Node.Tests.Schema.SchemaTestData;

namespace RingStore.Node.Tests.Schema;

public sealed class SchemaSyncTests : IDisposable
{
    private static readonly PeerAddress A = new("10.0.0.1", 7000);
    private static readonly PeerAddress B = new("10.0.0.2", 7000);
    private static readonly PeerAddress C = new("10.0.0.3", 7000);
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryNetwork _network;
    private readonly Dictionary<PeerAddress, TempDirectory> _dirs = [];
    private readonly Dictionary<PeerAddress, SimNode> _nodes = [];

    public SchemaSyncTests()
    {
        _network = new InMemoryNetwork(new MessagingOptions { ClusterName = "sim", DefaultRequestTimeout = TimeSpan.FromSeconds(1) }, _time, new Random(7));
        foreach (var address in new[] { A, B, C })
        {
            _dirs[address] = new TempDirectory();
            Start(address);
        }
    }

    public void Dispose()
    {
        foreach (var dir in _dirs.Values) dir.Dispose();
    }

    [Fact]
    public Task Push_reaches_live_peers_and_a_node_that_was_down_catches_up_by_pulling() => Simulate(async () =>
    {
        Crash(C);
        var a = _nodes[A];
        a.Manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 3), ifNotExists: false);
        var table = Table("ks", "t");
        a.Manager.CreateTable(table, ifNotExists: false);

        var push = a.Sync.PushAsync([A, B, C], PushTimeout, CancellationToken.None);
        _network.DeliverAll();
        _time.Advance(PushTimeout); // C is gone: its push times out
        Assert.True(push.IsCompleted);
        Assert.Equal(1, await push);
        Assert.True(_nodes[B].Manager.Current.TryGetTable("ks", "t", out var onB));
        Assert.Equal(table.Id, onB.Id);

        // C restarts from its own (old, empty) schema file; gossip then shows it A's version.
        var c = Start(C);
        Assert.Empty(c.Manager.Current.Tables);
        var pull = c.Sync.OnPeerSchemaVersionAsync(A, a.Manager.Current.Version.ToString(), CancellationToken.None);
        _network.DeliverAll();
        Assert.True(pull.IsCompleted);
        await pull;

        Assert.True(c.Manager.Current.TryGetTable("ks", "t", out var onC));
        Assert.Equal(table.Id, onC.Id);
        Assert.Equal(a.Manager.Current.Version, c.Manager.Current.Version);
        Assert.Equal(a.Manager.Current.Version, _nodes[B].Manager.Current.Version);
        // Durable on C too: another restart keeps it.
        Assert.Equal(a.Manager.Current.Version, Start(C).Manager.Current.Version);
    });

    [Fact]
    public Task A_drop_made_while_a_node_was_down_is_not_resurrected_by_it() => Simulate(async () =>
    {
        var a = _nodes[A];
        a.Manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 3), ifNotExists: false);
        a.Manager.CreateTable(Table("ks", "t"), ifNotExists: false);
        await PushAndDeliver(a, [B, C]);
        Assert.True(_nodes[C].Manager.Current.TryGetTable("ks", "t", out _));

        Crash(C);
        a.Manager.DropTable("ks", "t", ifExists: false);
        var push = a.Sync.PushAsync([B, C], PushTimeout, CancellationToken.None);
        _network.DeliverAll();
        _time.Advance(PushTimeout);
        Assert.True(push.IsCompleted);
        Assert.Equal(1, await push);

        // C comes back still holding ks.t. B hears C's (different) version first and pulls from it.
        var c = Start(C);
        Assert.True(c.Manager.Current.TryGetTable("ks", "t", out _));
        var bPull = _nodes[B].Sync.OnPeerSchemaVersionAsync(C, c.Manager.Current.Version.ToString(), CancellationToken.None);
        _network.DeliverAll();
        Assert.True(bPull.IsCompleted);
        await bPull;
        Assert.False(_nodes[B].Manager.Current.TryGetTable("ks", "t", out _));

        var cPull = c.Sync.OnPeerSchemaVersionAsync(B, _nodes[B].Manager.Current.Version.ToString(), CancellationToken.None);
        _network.DeliverAll();
        Assert.True(cPull.IsCompleted);
        await cPull;
        Assert.False(c.Manager.Current.TryGetTable("ks", "t", out _));
        Assert.Equal(a.Manager.Current.Version, c.Manager.Current.Version);
        Assert.Equal(a.Manager.Current.Version, _nodes[B].Manager.Current.Version);
    });

    [Fact]
    public Task Concurrent_changes_on_two_nodes_converge_once_each_pulls_from_the_other() => Simulate(async () =>
    {
        var a = _nodes[A];
        var b = _nodes[B];
        a.Manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 1), ifNotExists: false);
        a.Manager.CreateTable(Table("ks", "from_a"), ifNotExists: false);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        b.Manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 3), ifNotExists: false);
        b.Manager.CreateKeyspace(KeyspaceDefinition.Simple("other", 1), ifNotExists: false);
        Assert.NotEqual(a.Manager.Current.Version, b.Manager.Current.Version);

        var p1 = a.Sync.OnPeerSchemaVersionAsync(B, b.Manager.Current.Version.ToString(), CancellationToken.None);
        var p2 = b.Sync.OnPeerSchemaVersionAsync(A, a.Manager.Current.Version.ToString(), CancellationToken.None);
        _network.DeliverAll();
        Assert.True(p1.IsCompleted && p2.IsCompleted);
        await Task.WhenAll(p1, p2);

        Assert.Equal(a.Manager.Current.Version, b.Manager.Current.Version);
        Assert.True(b.Manager.Current.TryGetTable("ks", "from_a", out _));
        Assert.True(a.Manager.Current.TryGetKeyspace("ks", out var ks));
        Assert.Equal(3, ks.ReplicationFactor); // B's create was later
        Assert.Equal(["ks", "other"], a.Manager.Current.Keyspaces.Select(k => k.Name));
    });

    [Fact]
    public Task Same_version_sends_nothing_and_one_pull_per_peer_is_in_flight() => Simulate(async () =>
    {
        var a = _nodes[A];
        var c = _nodes[C];
        await c.Sync.OnPeerSchemaVersionAsync(A, a.Manager.Current.Version.ToString(), CancellationToken.None);
        await c.Sync.OnPeerSchemaVersionAsync(A, null, CancellationToken.None);
        Assert.Equal(0, _network.PendingDeliveries);

        a.Manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 1), ifNotExists: false);
        string announced = a.Manager.Current.Version.ToString();
        var first = c.Sync.OnPeerSchemaVersionAsync(A, announced, CancellationToken.None);
        var second = c.Sync.OnPeerSchemaVersionAsync(A, announced, CancellationToken.None);
        Assert.Equal(1, c.Sync.PullsInFlight);
        Assert.Equal(1, _network.PendingDeliveries);

        _network.DeliverAll();
        Assert.True(first.IsCompleted && second.IsCompleted);
        await Task.WhenAll(first, second);
        Assert.Equal(0, c.Sync.PullsInFlight);
        Assert.Equal(a.Manager.Current.Version, c.Manager.Current.Version);
    });

    [Fact]
    public Task A_failed_pull_is_swallowed_and_the_next_announcement_retries() => Simulate(async () =>
    {
        var a = _nodes[A];
        var c = _nodes[C];
        a.Manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 1), ifNotExists: false);
        string announced = a.Manager.Current.Version.ToString();
        _network.DropFilter = (from, to, verb) => verb == Verb.SchemaPull;

        var failed = c.Sync.OnPeerSchemaVersionAsync(A, announced, CancellationToken.None);
        _network.DeliverAll();
        Assert.False(failed.IsCompleted);
        _time.Advance(_network.Options.TimeoutFor(Verb.SchemaPull));
        Assert.True(failed.IsCompleted);
        await failed; // no exception: gossip will tell us again
        Assert.Equal(0, c.Sync.PullsInFlight);
        Assert.Empty(c.Manager.Current.Keyspaces);

        _network.DropFilter = null;
        var retried = c.Sync.OnPeerSchemaVersionAsync(A, announced, CancellationToken.None);
        _network.DeliverAll();
        Assert.True(retried.IsCompleted);
        await retried;
        Assert.True(c.Manager.Current.TryGetKeyspace("ks", out _));
    });

    [Fact]
    public Task A_push_of_garbage_fails_at_the_sender_and_changes_nothing() => Simulate(async () =>
    {
        var request = _network.AddNode(new PeerAddress("10.0.0.9", 7000)).SendRequestAsync(B, Verb.SchemaPush, new byte[] { 1, 2, 3 });
        _network.DeliverAll();
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => request);
        Assert.Equal(RequestFailureReason.RemoteHandlerFailed, e.Reason);
        Assert.Empty(_nodes[B].Manager.Current.Keyspaces);
    });

    // xunit runs tests under a SynchronizationContext, which stops await continuations from running inline when the
    // network delivers a response; off that context they do, so each DeliverAll/Advance finishes every step it causes.
    private static Task Simulate(Func<Task> body) => Task.Run(body);

    private async Task PushAndDeliver(SimNode from, PeerAddress[] peers)
    {
        var push = from.Sync.PushAsync(peers, PushTimeout, CancellationToken.None);
        _network.DeliverAll();
        Assert.True(push.IsCompleted);
        Assert.Equal(peers.Length, await push);
    }

    private void Crash(PeerAddress address)
    {
        _network.RemoveNode(address);
        _nodes.Remove(address);
    }

    // A (re)start: the manager loads the node's schema file, and a fresh messaging endpoint gets the handlers.
    private SimNode Start(PeerAddress address)
    {
        _network.RemoveNode(address);
        var manager = new SchemaManager(new SchemaStore(_dirs[address].Path), _time);
        var node = new SimNode(manager, new SchemaSync(manager, _network.AddNode(address)));
        _nodes[address] = node;
        return node;
    }

    private sealed record SimNode(SchemaManager Manager, SchemaSync Sync);
}

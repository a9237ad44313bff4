using Microsoft.Extensions.Time.Testing;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Node.Schema;
using static RingStore.Node.Tests.Schema.SchemaTestData;

namespace RingStore.Node.Tests.Schema;

public sealed class SchemaManagerTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly SchemaManager _manager;

    public SchemaManagerTests() => _manager = new SchemaManager(new SchemaStore(_dir.Path), _time);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Create_keyspace_if_not_exists_semantics()
    {
        Assert.True(_manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 1), ifNotExists: false));
        var version = _manager.Current.Version;

        var e = Assert.Throws<AlreadyExistsException>(() => _manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 3), ifNotExists: false));
        Assert.Equal("Keyspace 'ks' already exists.", e.Message);
        Assert.IsAssignableFrom<InvalidRequestException>(e);

        Assert.False(_manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 3), ifNotExists: true));
        Assert.Equal(version, _manager.Current.Version);
        Assert.True(_manager.Current.TryGetKeyspace("ks", out var ks));
        Assert.Equal(1, ks.ReplicationFactor);
    }

    [Fact]
    public void Create_table_if_not_exists_semantics_and_keyspace_must_exist()
    {
        var missing = Assert.Throws<InvalidRequestException>(() => _manager.CreateTable(Table("ks", "t"), ifNotExists: true));
        Assert.Contains("keyspace 'ks' does not exist", missing.Message, StringComparison.Ordinal);

        _manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 1), ifNotExists: false);
        var first = Table("ks", "t");
        Assert.True(_manager.CreateTable(first, ifNotExists: false));
        var e = Assert.Throws<AlreadyExistsException>(() => _manager.CreateTable(Table("ks", "t"), ifNotExists: false));
        Assert.Equal("Table 'ks.t' already exists.", e.Message);
        Assert.False(_manager.CreateTable(Table("ks", "t"), ifNotExists: true));
        Assert.True(_manager.Current.TryGetTable("ks", "t", out var kept));
        Assert.Equal(first.Id, kept.Id);
    }

    [Fact]
    public void Drop_if_exists_semantics()
    {
        Assert.False(_manager.DropKeyspace("ks", ifExists: true));
        Assert.Contains("does not exist", Assert.Throws<InvalidRequestException>(() => _manager.DropKeyspace("ks", ifExists: false)).Message, StringComparison.Ordinal);

        _manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 1), ifNotExists: false);
        Assert.False(_manager.DropTable("ks", "t", ifExists: true));
        Assert.Contains("ks.t", Assert.Throws<InvalidRequestException>(() => _manager.DropTable("ks", "t", ifExists: false)).Message, StringComparison.Ordinal);

        _manager.CreateTable(Table("ks", "t"), ifNotExists: false);
        Assert.True(_manager.DropTable("ks", "t", ifExists: false));
        Assert.False(_manager.Current.TryGetTable("ks", "t", out _));
        Assert.False(_manager.DropTable("ks", "t", ifExists: true));
    }

    [Fact]
    public void Dropping_a_keyspace_drops_its_tables_and_a_recreate_starts_empty()
    {
        _manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 1), ifNotExists: false);
        _manager.CreateKeyspace(KeyspaceDefinition.Simple("other", 1), ifNotExists: false);
        _manager.CreateTable(Table("ks", "a"), ifNotExists: false);
        _manager.CreateTable(Table("ks", "b"), ifNotExists: false);
        _manager.CreateTable(Table("other", "c"), ifNotExists: false);
        SchemaChange? change = null;
        _manager.Changed += c => change = c;

        Assert.True(_manager.DropKeyspace("ks", ifExists: false));

        Assert.Equal(["other.c"], _manager.Current.Tables.Select(t => t.FullName));
        Assert.Equal(["ks.a", "ks.b"], _manager.Current.DroppedTables.Keys.Order(StringComparer.Ordinal));
        Assert.NotNull(change);
        Assert.Equal(["ks.a", "ks.b"], change.Diff.TablesDropped.Select(t => t.FullName));
        Assert.Equal(["ks"], change.Diff.KeyspacesDropped.Select(k => k.Name));

        _manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 2), ifNotExists: false);
        Assert.Empty(_manager.Current.TablesOf("ks"));
    }

    [Fact]
    public void Changed_carries_before_after_and_the_tables_to_create()
    {
        var changes = new List<SchemaChange>();
        _manager.Changed += changes.Add;
        _manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 1), ifNotExists: false);
        var table = Table("ks", "t");
        _manager.CreateTable(table, ifNotExists: false);
        _manager.CreateTable(Table("ks", "t"), ifNotExists: true); // no change, no event

        Assert.Equal(2, changes.Count);
        Assert.Same(changes[0].After, changes[1].Before);
        Assert.Same(_manager.Current, changes[1].After);
        Assert.Equal([table], changes[1].Diff.TablesAdded);
        Assert.Equal(["ks"], changes[0].Diff.KeyspacesAdded.Select(k => k.Name));
    }

    [Fact]
    public void Timestamps_come_from_the_clock_in_microseconds_but_never_go_backwards()
    {
        _manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 1), ifNotExists: false);
        long startMicros = (Start - DateTimeOffset.UnixEpoch).Ticks / 10;
        Assert.True(_manager.Current.TryGetKeyspaceEntry("ks", out var ks));
        Assert.Equal(startMicros, ks.TimestampMicros);

        // A peer whose clock is an hour ahead created a table; our clock has not moved.
        var remote = _manager.Current.With(TableEntry.Created(Table("ks", "remote"), startMicros + 3_600_000_000));
        Assert.True(_manager.MergeRemote(remote));
        Assert.True(_manager.DropTable("ks", "remote", ifExists: false));
        Assert.True(_manager.Current.TryGetTableEntry("ks", "remote", out var drop));
        Assert.Equal(startMicros + 3_600_000_001, drop.TimestampMicros);
        Assert.False(_manager.Current.TryGetTable("ks", "remote", out _));
    }

    [Fact]
    public void MergeRemote_reports_whether_anything_changed()
    {
        _manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 1), ifNotExists: false);
        var changes = 0;
        _manager.Changed += _ => changes++;
        Assert.False(_manager.MergeRemote(_manager.Current));
        Assert.False(_manager.MergeRemote(SchemaSnapshot.Empty));
        Assert.Equal(0, changes);
        Assert.True(_manager.MergeRemote(SchemaSnapshot.Empty.With(KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks2", 1), 1))));
        Assert.Equal(1, changes);
        Assert.Equal(["ks", "ks2"], _manager.Current.Keyspaces.Select(k => k.Name));
    }

    [Fact]
    public void Invalid_tables_are_rejected_with_a_clear_message()
    {
        _manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 1), ifNotExists: false);
        AssertRejected(Table("ks", "bad-name"), "Table name 'bad-name' is invalid");
        AssertRejected(Table("ks", "t", options: new TableOptions { GcGraceSeconds = -1 }), "gc_grace_seconds must not be negative");
        AssertRejected(Table("ks", "t", options: new TableOptions { DefaultTimeToLiveSeconds = -5 }), "default_time_to_live");
        AssertRejected(Table("ks", "t", options: new TableOptions { BloomFilterFpChance = 0 }), "bloom_filter_fp_chance");
        AssertRejected(Table("ks", "t", options: new TableOptions { CompactionMinThreshold = 8, CompactionMaxThreshold = 4 }), "max_threshold");
        AssertRejected(Table("ks", "t", options: new TableOptions { CompactionWindow = TimeSpan.Zero }), "compaction_window_size");
        AssertRejected(
            new TableSchema("ks", "t", [new ColumnDefinition("id", (ColumnType)99)], [], []),
            "unknown type 99");
        Assert.Empty(_manager.Current.Tables);
    }

    [Fact]
    public void Core_already_refuses_a_table_without_a_partition_key()
    {
        // TableSchema cannot be built without one, so no such table reaches the manager.
        Assert.Throws<ArgumentException>(() => new TableSchema("ks", "t", [], [], [new ColumnDefinition("v", ColumnType.Int)]));
    }

    private void AssertRejected(TableSchema table, string expected)
    {
        var e = Assert.Throws<InvalidRequestException>(() => _manager.CreateTable(table, ifNotExists: false));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}

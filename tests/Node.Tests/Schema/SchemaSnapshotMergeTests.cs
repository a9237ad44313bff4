using CsCheck;
using RingStore.Node.Schema;
using static RingStore.Node.Tests.Schema.SchemaTestData;

namespace RingStore.Node.Tests.Schema;

public class SchemaSnapshotMergeTests
{
    [Fact]
    public void Merge_is_commutative() =>
        Gen.Select(Snapshots, Snapshots).Sample((a, b) => Assert.Equal(Hex(a.Merge(b)), Hex(b.Merge(a))), iter: 2_000);

    [Fact]
    public void Merge_is_associative() =>
        Gen.Select(Snapshots, Snapshots, Snapshots).Sample(
            (a, b, c) => Assert.Equal(Hex(a.Merge(b).Merge(c)), Hex(a.Merge(b.Merge(c)))), iter: 2_000);

    [Fact]
    public void Merge_is_idempotent() =>
        Gen.Select(Snapshots, Snapshots).Sample((a, b) =>
        {
            Assert.Equal(Hex(a), Hex(a.Merge(a)));
            var ab = a.Merge(b);
            Assert.Equal(Hex(ab), Hex(ab.Merge(b)));
            Assert.Equal(Hex(ab), Hex(ab.Merge(a)));
        }, iter: 2_000);

    [Fact]
    public void Codec_round_trip_keeps_the_snapshot_and_its_version() =>
        Snapshots.Sample(s =>
        {
            var back = SchemaCodec.Deserialize(SchemaCodec.Serialize(s));
            Assert.Equal(Hex(s), Hex(back));
            Assert.Equal(s.Version, back.Version);
            Assert.Equal(s.Tables.Select(t => (t.FullName, t.Id)), back.Tables.Select(t => (t.FullName, t.Id)));
        }, iter: 1_000);

    [Fact]
    public void Nodes_that_merge_the_same_changes_in_any_order_get_the_same_version() =>
        Gen.Select(Snapshots.Array[2, 6], Gen.Int).Sample((changes, seed) =>
        {
            var shuffled = changes.ToArray();
            new Random(seed).Shuffle(shuffled);
            var inOrder = changes.Aggregate(SchemaSnapshot.Empty, (acc, s) => acc.Merge(s));
            var otherOrder = shuffled.Aggregate(SchemaSnapshot.Empty, (acc, s) => s.Merge(acc));
            Assert.Equal(inOrder.Version, otherOrder.Version);
            Assert.True(inOrder.Equals(otherOrder));
        }, iter: 1_000);

    [Fact]
    public void Merge_keeps_the_newest_entry_per_name() =>
        Gen.Select(Snapshots, Snapshots).Sample((a, b) =>
        {
            var merged = a.Merge(b);
            foreach (var entry in a.TableEntries.Concat(b.TableEntries))
            {
                Assert.True(merged.TryGetTableEntry(entry.Keyspace, entry.Name, out var kept));
                Assert.True(kept.TimestampMicros >= entry.TimestampMicros);
            }

            foreach (var entry in a.KeyspaceEntries.Concat(b.KeyspaceEntries))
            {
                Assert.True(merged.TryGetKeyspaceEntry(entry.Name, out var kept));
                Assert.True(kept.TimestampMicros >= entry.TimestampMicros);
                Assert.True((kept.LastDroppedMicros ?? long.MinValue) >= (entry.LastDroppedMicros ?? long.MinValue));
            }
        }, iter: 1_000);

    [Fact]
    public void Live_tables_always_have_a_live_keyspace_created_before_them() =>
        Snapshots.Sample(s =>
        {
            foreach (var table in s.Tables)
            {
                Assert.True(s.TryGetKeyspace(table.Keyspace, out _));
                Assert.True(s.TryGetKeyspaceEntry(table.Keyspace, out var ks));
                Assert.True(s.TryGetTableEntry(table.Keyspace, table.Name, out var entry));
                Assert.True(ks.LastDroppedMicros is null || entry.TimestampMicros > ks.LastDroppedMicros);
            }
        }, iter: 1_000);

    [Fact]
    public void A_drop_beats_an_older_create_and_loses_to_a_newer_recreate()
    {
        var ks = SchemaSnapshot.Empty.With(KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks", 1), 10));
        var created = ks.With(TableEntry.Created(Table("ks", "t", IdOf(1)), 20));
        var dropped = ks.With(TableEntry.Dropped("ks", "t", 30));
        var recreated = ks.With(TableEntry.Created(Table("ks", "t", IdOf(2)), 40));

        var afterDrop = created.Merge(dropped);
        Assert.False(afterDrop.TryGetTable("ks", "t", out _));
        Assert.Equal(30, afterDrop.DroppedTables["ks.t"]);
        Assert.Equal(afterDrop.Version, dropped.Merge(created).Version);

        var afterRecreate = afterDrop.Merge(recreated);
        Assert.True(afterRecreate.TryGetTable("ks", "t", out var table));
        Assert.Equal(IdOf(2), table.Id);
        Assert.Empty(afterRecreate.DroppedTables);
    }

    [Fact]
    public void On_a_timestamp_tie_a_drop_wins()
    {
        var ks = SchemaSnapshot.Empty.With(KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks", 1), 10));
        var created = ks.With(TableEntry.Created(Table("ks", "t"), 20));
        var dropped = ks.With(TableEntry.Dropped("ks", "t", 20));
        Assert.False(created.Merge(dropped).TryGetTable("ks", "t", out _));
        Assert.False(dropped.Merge(created).TryGetTable("ks", "t", out _));

        var ksDropped = SchemaSnapshot.Empty.With(KeyspaceEntry.Dropped("ks", 10));
        Assert.False(ks.Merge(ksDropped).TryGetKeyspace("ks", out _));
    }

    [Fact]
    public void Two_different_creates_at_the_same_time_resolve_the_same_way_everywhere()
    {
        var a = SchemaSnapshot.Empty.With(KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks", 1), 10));
        var b = SchemaSnapshot.Empty.With(KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks", 3), 10));
        Assert.True(a.Merge(b).TryGetKeyspace("ks", out var fromA));
        Assert.True(b.Merge(a).TryGetKeyspace("ks", out var fromB));
        Assert.Equal(fromA, fromB);
    }

    [Fact]
    public void A_keyspace_drop_kills_older_tables_even_after_the_keyspace_is_recreated()
    {
        // Node C was down: it still has ks.t from before ks was dropped and re-created elsewhere.
        var old = SchemaSnapshot.Empty
            .With(KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks", 1), 10))
            .With(TableEntry.Created(Table("ks", "t"), 20));
        var elsewhere = SchemaSnapshot.Empty
            .With(KeyspaceEntry.Dropped("ks", 30))
            .With(KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks", 2), 40))
            .With(TableEntry.Created(Table("ks", "u"), 50));

        var merged = old.Merge(elsewhere);
        Assert.True(merged.TryGetKeyspace("ks", out var ks));
        Assert.Equal(2, ks.ReplicationFactor);
        Assert.False(merged.TryGetTable("ks", "t", out _));
        Assert.True(merged.TryGetTable("ks", "u", out _));
        Assert.Equal(["ks.u"], merged.Tables.Select(t => t.FullName));
    }

    [Fact]
    public void Concurrent_creates_of_one_keyspace_keep_tables_made_in_either()
    {
        // Two nodes create "ks" without hearing of each other; a table made on the older one must survive.
        var a = SchemaSnapshot.Empty
            .With(KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks", 1), 10))
            .With(TableEntry.Created(Table("ks", "t"), 20));
        var b = SchemaSnapshot.Empty.With(KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks", 3), 30));
        var merged = a.Merge(b);
        Assert.True(merged.TryGetTable("ks", "t", out _));
        Assert.True(merged.TryGetKeyspace("ks", out var ks));
        Assert.Equal(3, ks.ReplicationFactor);
    }

    [Fact]
    public void A_table_whose_keyspace_is_unknown_is_not_live_until_the_keyspace_arrives()
    {
        var tableOnly = SchemaSnapshot.Empty.With(TableEntry.Created(Table("ks", "t"), 20));
        Assert.Empty(tableOnly.Tables);
        var withKeyspace = tableOnly.Merge(SchemaSnapshot.Empty.With(KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks", 1), 10)));
        Assert.Single(withKeyspace.Tables);
    }

    [Fact]
    public void Versions_differ_when_only_tombstones_differ_so_drops_still_propagate()
    {
        var ks = SchemaSnapshot.Empty.With(KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks", 1), 10));
        var withTombstone = ks.With(TableEntry.Dropped("ks", "t", 20));
        Assert.Equal(ks.Tables.Count, withTombstone.Tables.Count);
        Assert.NotEqual(ks.Version, withTombstone.Version);
        Assert.Equal(ks.Version, SchemaSnapshot.Empty.With(KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks", 1), 10)).Version);
    }
}

using MessagePack;
using RingStore.Core.Schema;
using RingStore.Node.Schema;
using static RingStore.Node.Tests.Schema.SchemaTestData;

namespace RingStore.Node.Tests.Schema;

public class SchemaCodecTests
{
    [Fact]
    public void Every_table_field_survives_a_round_trip()
    {
        var options = new TableOptions
        {
            Compaction = CompactionStrategyKind.TimeWindow,
            CompactionWindow = TimeSpan.FromHours(6),
            CompactionMinThreshold = 3,
            CompactionMaxThreshold = 9,
            DefaultTimeToLiveSeconds = 3600,
            GcGraceSeconds = 60,
            BloomFilterFpChance = 0.05,
        };
        var table = new TableSchema(
            "ks",
            "events",
            [new ColumnDefinition("id", ColumnType.Uuid), new ColumnDefinition("bucket", ColumnType.Int)],
            [new ClusteringColumn("at", ColumnType.TimeUuid, ClusteringOrder.Desc), new ClusteringColumn("seq", ColumnType.BigInt)],
            [new ColumnDefinition("body", ColumnType.Blob), new ColumnDefinition("ok", ColumnType.Boolean), new ColumnDefinition("score", ColumnType.Double)],
            options);
        var snapshot = SchemaSnapshot.Empty
            .With(KeyspaceEntry.Created(KeyspaceDefinition.NetworkTopology("ks", new Dictionary<string, int> { ["dc1"] = 3, ["dc2"] = 1 }), 5))
            .With(TableEntry.Created(table, 7));

        var back = SchemaCodec.Deserialize(SchemaCodec.Serialize(snapshot));

        Assert.True(back.TryGetTable("ks", "events", out var t));
        Assert.Equal(table.Id, t.Id);
        Assert.Equal(table.PartitionKey, t.PartitionKey);
        Assert.Equal(table.Clustering, t.Clustering);
        Assert.Equal(table.Regular, t.Regular);
        Assert.Equal(options, t.Options);
        Assert.True(back.TryGetKeyspace("ks", out var ks));
        Assert.Equal(snapshot.Keyspaces[0], ks);
        Assert.Equal(snapshot.Version, back.Version);
    }

    [Fact]
    public void An_unknown_format_version_is_reported_as_such()
    {
        byte[] future = MessagePackSerializer.Serialize(new object[] { 2, Array.Empty<object>(), Array.Empty<object>(), "new field" });
        var e = Assert.Throws<InvalidDataException>(() => SchemaCodec.Deserialize(future));
        Assert.Contains("format version 2 is not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_is_an_InvalidDataException()
    {
        Assert.Throws<InvalidDataException>(() => SchemaCodec.Deserialize(new byte[] { 0xC1, 0x00 }));
        Assert.Throws<InvalidDataException>(() => SchemaCodec.Deserialize(ReadOnlyMemory<byte>.Empty));
        Assert.Throws<InvalidDataException>(() => SchemaCodec.Deserialize(MessagePackSerializer.Serialize(new object[] { 1, "x" })));
    }

    [Fact]
    public void An_invalid_definition_in_the_bytes_is_rejected()
    {
        // A keyspace with replication factor 0 cannot be created, so bytes holding one were damaged or forged.
        byte[] bad = MessagePackSerializer.Serialize(new object[]
        {
            1,
            new object[] { new object?[] { "ks", 1L, null, new object[] { (byte)0, 0, Array.Empty<object>() } } },
            Array.Empty<object>(),
        });
        var e = Assert.Throws<InvalidDataException>(() => SchemaCodec.Deserialize(bad));
        Assert.Contains("replication_factor", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_schema_has_a_stable_version()
    {
        Assert.Equal(SchemaSnapshot.Empty.Version, SchemaCodec.Deserialize(SchemaCodec.Serialize(SchemaSnapshot.Empty)).Version);
        Assert.NotEqual(Guid.Empty, SchemaSnapshot.Empty.Version);
        Assert.NotEqual(SchemaSnapshot.Empty.Version, SchemaSnapshot.Empty.With(KeyspaceEntry.Dropped("ks", 1)).Version);
    }
}

using RingStore.Core.Schema;
using RingStore.Cql;
using RingStore.Cql.Ast;
using RingStore.Node.Cql;
using RingStore.Storage.Snapshots;

namespace RingStore.Node.Tests.Backup;

/// <summary>A snapshot's schema.cql, run through the node's own CQL, re-creates the table with the same columns and options.</summary>
public class SchemaCqlTests
{
    public static TheoryData<TableSchema> Tables => new()
    {
        new TableSchema("demo", "readings",
            [new ColumnDefinition("sensor", ColumnType.Int), new ColumnDefinition("day", ColumnType.Text)],
            [new ClusteringColumn("ts", ColumnType.Timestamp, ClusteringOrder.Desc), new ClusteringColumn("seq", ColumnType.BigInt)],
            [new ColumnDefinition("value", ColumnType.Double), new ColumnDefinition("raw", ColumnType.Blob), new ColumnDefinition("ok", ColumnType.Boolean)],
            new TableOptions
            {
                Compaction = CompactionStrategyKind.TimeWindow, CompactionWindow = TimeSpan.FromHours(6), DefaultTimeToLiveSeconds = 86400,
                GcGraceSeconds = 3600, BloomFilterFpChance = 0.05, CompactionMinThreshold = 6, CompactionMaxThreshold = 20,
                Compression = new CompressionOptions { Algorithm = CompressionAlgorithm.Zstd, ChunkLengthKb = 64, ZstdLevel = 7 },
            }),
        new TableSchema("ks", "plain", [new ColumnDefinition("k", ColumnType.Text)], [],
            [new ColumnDefinition("v", ColumnType.Blob)], new TableOptions { Compression = CompressionOptions.Disabled }),
        new TableSchema("ks", "lz4", [new ColumnDefinition("k", ColumnType.Text)], [],
            [new ColumnDefinition("v", ColumnType.Blob)], new TableOptions { Compression = new CompressionOptions { ChunkLengthKb = 4 } }),
        new TableSchema("ks", "MixedCase", [new ColumnDefinition("key", ColumnType.Uuid)], [],
            [new ColumnDefinition("select", ColumnType.Text), new ColumnDefinition("t", ColumnType.TimeUuid)]),
    };

    [Theory]
    [MemberData(nameof(Tables))]
    public void Schema_cql_parses_back_to_the_same_table(TableSchema table)
    {
        string cql = SchemaCql.CreateTable(table);
        var create = Assert.IsType<CreateTableStatement>(CqlParser.Parse(cql));
        var rebuilt = TableBuilder.Build(table.Keyspace, create);

        Assert.Equal(table.Name, rebuilt.Name);
        Assert.Null(SnapshotColumns.Of(table).Incompatibility(rebuilt));
        Assert.Null(SnapshotColumns.Of(rebuilt).Incompatibility(table));
        Assert.Equal(table.Options, rebuilt.Options);
    }
}

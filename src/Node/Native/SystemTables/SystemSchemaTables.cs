using System.Globalization;
using System.Text;
using RingStore.Core.Schema;
using RingStore.Node.Schema;
using static RingStore.Node.Native.SystemTables.SystemColumns;

namespace RingStore.Node.Native.SystemTables;

/// <summary>
/// The system_schema tables drivers read for cluster metadata, from the node's schema: keyspaces (with the
/// replication map their token-aware policies compute replicas from), tables, columns; the kinds RingStore does not
/// have (types, functions, aggregates, views, triggers) are empty with their real columns.
/// </summary>
public static class SystemSchemaTables
{
    public static SystemTableData? Build(string table, SchemaSnapshot schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return table switch
        {
            "keyspaces" => Keyspaces(schema),
            "tables" => Tables(schema),
            "columns" => Columns(schema),
            "types" => SystemTableData.Empty(Text("keyspace_name"), Text("type_name"), Of("field_names", TextList), Of("field_types", TextList)),
            "functions" => SystemTableData.Empty(Text("keyspace_name"), Text("function_name"), Of("argument_types", TextList),
                Of("argument_names", TextList), Text("body"), Bool("called_on_null_input"), Text("language"), Text("return_type")),
            "aggregates" => SystemTableData.Empty(Text("keyspace_name"), Text("aggregate_name"), Of("argument_types", TextList),
                Text("final_func"), Text("initcond"), Text("return_type"), Text("state_func"), Text("state_type")),
            "indexes" => Indexes(schema),
            "views" => SystemTableData.Empty(Text("keyspace_name"), Text("view_name"), Text("base_table_name"), Uuid("base_table_id"),
                Bool("include_all_columns"), Text("where_clause"), Uuid("id")),
            "triggers" => SystemTableData.Empty(Text("keyspace_name"), Text("table_name"), Text("trigger_name"), Of("options", TextMap)),
            "dropped_columns" => SystemTableData.Empty(Text("keyspace_name"), Text("table_name"), Text("column_name"), Text("type")),
            _ => null,
        };
    }

    private static SystemTableData Keyspaces(SchemaSnapshot schema) => new(
        [Text("keyspace_name"), Bool("durable_writes"), Of("replication", TextMap)],
        schema.Keyspaces.Select(k => new object?[] { k.Name, true, Replication(k) }).ToList());

    public static Dictionary<string, string> Replication(KeyspaceDefinition keyspace)
    {
        ArgumentNullException.ThrowIfNull(keyspace);
        if (keyspace.Strategy == ReplicationStrategyKind.Simple)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["class"] = "org.apache.cassandra.locator.SimpleStrategy",
                ["replication_factor"] = keyspace.ReplicationFactor.ToString(CultureInfo.InvariantCulture),
            };
        }
        var map = new Dictionary<string, string>(StringComparer.Ordinal) { ["class"] = "org.apache.cassandra.locator.NetworkTopologyStrategy" };
        foreach (var (dc, rf) in keyspace.DatacenterReplicationFactors) map[dc] = rf.ToString(CultureInfo.InvariantCulture);
        return map;
    }

    private static SystemTableData Tables(SchemaSnapshot schema)
    {
        NativeColumn[] columns =
        [
            Text("keyspace_name"), Text("table_name"), Double("bloom_filter_fp_chance"), Of("caching", TextMap), Text("comment"),
            Of("compaction", TextMap), Of("compression", TextMap), Double("crc_check_chance"), Int("default_time_to_live"),
            Of("flags", SystemColumns.TextSet), Int("gc_grace_seconds"), Uuid("id"), Int("max_index_interval"),
            Int("memtable_flush_period_in_ms"), Int("min_index_interval"), Text("speculative_retry"),
        ];
        var rows = schema.Tables.Select(t => new object?[]
        {
            t.Keyspace, t.Name, t.Options.BloomFilterFpChance,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["keys"] = "ALL", ["rows_per_partition"] = "NONE" }, "",
            Compaction(t.Options), RingStore.Node.Cql.CompressionProperty.Describe(t.Options.Compression), 1.0, t.Options.DefaultTimeToLiveSeconds,
            new List<string> { "compound" }, t.Options.GcGraceSeconds, t.Id, 2048, 0, 128, "99p",
        }).ToList();
        return new SystemTableData(columns, rows);
    }

    private static Dictionary<string, string> Compaction(TableOptions options) => options.Compaction == CompactionStrategyKind.TimeWindow
        ? new(StringComparer.Ordinal)
        {
            ["class"] = "org.apache.cassandra.db.compaction.TimeWindowCompactionStrategy",
            ["compaction_window_unit"] = "SECONDS",
            ["compaction_window_size"] = ((long)options.CompactionWindow.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        }
        : new(StringComparer.Ordinal)
        {
            ["class"] = "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy",
            ["min_threshold"] = options.CompactionMinThreshold.ToString(CultureInfo.InvariantCulture),
            ["max_threshold"] = options.CompactionMaxThreshold.ToString(CultureInfo.InvariantCulture),
        };

    /// <summary>Local secondary indexes as Cassandra lists its own (kind COMPOSITES, options target = the column).</summary>
    private static SystemTableData Indexes(SchemaSnapshot schema)
    {
        NativeColumn[] columns = [Text("keyspace_name"), Text("table_name"), Text("index_name"), Text("kind"), Of("options", TextMap)];
        var rows = schema.Tables.SelectMany(t => t.Options.Indexes.Select(i => new object?[]
        {
            t.Keyspace, t.Name, i.Name, "COMPOSITES", new Dictionary<string, string>(StringComparer.Ordinal) { ["target"] = i.Column },
        })).ToList();
        return new SystemTableData(columns, rows);
    }

    private static SystemTableData Columns(SchemaSnapshot schema)
    {
        NativeColumn[] columns =
        [
            Text("keyspace_name"), Text("table_name"), Text("column_name"), Text("clustering_order"), Blob("column_name_bytes"),
            Text("kind"), Int("position"), Text("type"),
        ];
        var rows = new List<object?[]>();
        foreach (var t in schema.Tables)
        {
            for (int i = 0; i < t.PartitionKey.Count; i++) rows.Add(Row(t, t.PartitionKey[i].Name, "none", "partition_key", i, t.PartitionKey[i].Type));
            for (int i = 0; i < t.Clustering.Count; i++)
            {
                var c = t.Clustering[i];
                rows.Add(Row(t, c.Name, c.Order == ClusteringOrder.Desc ? "desc" : "asc", "clustering", i, c.Type));
            }
            foreach (var c in t.Regular) rows.Add(Row(t, c.Name, "none", "regular", -1, c.Type));
        }
        return new SystemTableData(columns, rows);
    }

    private static object?[] Row(TableSchema t, string column, string order, string kind, int position, ColumnType type) =>
        [t.Keyspace, t.Name, column, order, Encoding.UTF8.GetBytes(column), kind, position, NativeType.CqlName(type)];
}

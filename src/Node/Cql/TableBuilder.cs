using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Cql.Ast;

namespace RingStore.Node.Cql;

/// <summary>
/// CREATE TABLE to a table schema: key columns from PRIMARY KEY, clustering order from WITH CLUSTERING ORDER BY,
/// regular columns in declaration order, and the options RingStore has (compaction with TWCS windows,
/// default_time_to_live, gc_grace_seconds, bloom_filter_fp_chance, compression: see <see cref="CompressionProperty"/>).
/// Cassandra options that mean nothing here (comment, caching...) are accepted and ignored so existing scripts run;
/// anything else is refused.
/// </summary>
public static class TableBuilder
{
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        "comment", "caching", "speculative_retry", "read_repair_chance", "dclocal_read_repair_chance", "crc_check_chance",
        "memtable_flush_period_in_ms", "min_index_interval", "max_index_interval", "additional_write_policy", "read_repair", "cdc", "extensions",
    };

    public static TableSchema Build(string keyspace, CreateTableStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var types = statement.Columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        var orders = statement.ClusteringOrder.ToDictionary(o => o.Column, o => o.Order, StringComparer.Ordinal);
        var keyNames = statement.PrimaryKey.PartitionKey.Concat(statement.PrimaryKey.Clustering).ToHashSet(StringComparer.Ordinal);
        var options = new TableOptions();
        foreach (var property in statement.Properties) options = Apply(options, property);
        try
        {
            return new TableSchema(keyspace, statement.Table.Name,
                statement.PrimaryKey.PartitionKey.Select(n => new ColumnDefinition(n, types[n])).ToList(),
                statement.PrimaryKey.Clustering.Select(n => new ClusteringColumn(n, types[n], orders.GetValueOrDefault(n, ClusteringOrder.Asc))).ToList(),
                statement.Columns.Where(c => !keyNames.Contains(c.Name)).Select(c => new ColumnDefinition(c.Name, c.Type)).ToList(),
                options);
        }
        catch (ArgumentException e)
        {
            throw new InvalidRequestException(e.Message, e);
        }
    }

    private static TableOptions Apply(TableOptions options, PropertyAssignment property)
    {
        switch (property.Name)
        {
            case "compaction":
                return Compaction(options, PropertyValues.Map(property));
            case "compression":
                return options with { Compression = CompressionProperty.Parse(PropertyValues.Map(property)) };
            case "default_time_to_live":
                int ttl = PropertyValues.Int(PropertyValues.Constant(property), property.Name);
                if (ttl is < 0 or > WriteOptions.MaxTtlSeconds)
                    throw new InvalidRequestException($"default_time_to_live must be between 0 and {WriteOptions.MaxTtlSeconds}, got {ttl}");
                return options with { DefaultTimeToLiveSeconds = ttl };
            case "gc_grace_seconds":
                int grace = PropertyValues.Int(PropertyValues.Constant(property), property.Name);
                return grace >= 0 ? options with { GcGraceSeconds = grace } : throw new InvalidRequestException($"gc_grace_seconds must be non-negative, got {grace}");
            case "bloom_filter_fp_chance":
                double fp = PropertyValues.Double(PropertyValues.Constant(property), property.Name);
                return fp is > 0 and <= 1 ? options with { BloomFilterFpChance = fp }
                    : throw new InvalidRequestException($"bloom_filter_fp_chance must be larger than 0 and less than or equal to 1.0 (got {fp})");
            default:
                return Ignored.Contains(property.Name) ? options : throw new InvalidRequestException($"Unknown property '{property.Name}'");
        }
    }

    private static TableOptions Compaction(TableOptions options, MapPropertyValue map)
    {
        string kind = map.Find("class")?.Text ?? throw new InvalidRequestException("Missing sub-option 'class' for the 'compaction' option.");
        bool timeWindow;
        if (kind.EndsWith("TimeWindowCompactionStrategy", StringComparison.OrdinalIgnoreCase)) timeWindow = true;
        else if (kind.EndsWith("SizeTieredCompactionStrategy", StringComparison.OrdinalIgnoreCase)) timeWindow = false;
        else throw new InvalidRequestException($"Unable to find compaction strategy class '{kind}': use SizeTieredCompactionStrategy or TimeWindowCompactionStrategy");

        options = options with { Compaction = timeWindow ? CompactionStrategyKind.TimeWindow : CompactionStrategyKind.SizeTiered };
        int windowSize = 1;
        string windowUnit = "DAYS";
        foreach (var entry in map.Entries)
        {
            switch (entry.Key.ToLowerInvariant())
            {
                case "class":
                case "enabled":
                    break;
                case "compaction_window_size" when timeWindow:
                    windowSize = PropertyValues.Int(entry.Value, entry.Key);
                    if (windowSize < 1) throw new InvalidRequestException($"compaction_window_size must be greater than 0, got {windowSize}");
                    break;
                case "compaction_window_unit" when timeWindow:
                    windowUnit = entry.Value.Text.ToUpperInvariant();
                    break;
                case "min_threshold":
                    options = options with { CompactionMinThreshold = PropertyValues.Int(entry.Value, entry.Key) };
                    break;
                case "max_threshold":
                    options = options with { CompactionMaxThreshold = PropertyValues.Int(entry.Value, entry.Key) };
                    break;
                default:
                    throw new InvalidRequestException($"Properties specified [{entry.Key}] are not understood by {kind}");
            }
        }
        if (!timeWindow) return options;
        var unit = windowUnit switch
        {
            "MINUTES" => TimeSpan.FromMinutes(1),
            "HOURS" => TimeSpan.FromHours(1),
            "DAYS" => TimeSpan.FromDays(1),
            _ => throw new InvalidRequestException($"{windowUnit} is not valid for compaction_window_unit (use MINUTES, HOURS or DAYS)"),
        };
        return options with { CompactionWindow = unit * windowSize };
    }
}

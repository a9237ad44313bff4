using System.Globalization;
using System.Text;
using RingStore.Core.Schema;

namespace RingStore.Storage.Snapshots;

/// <summary>
/// The CREATE TABLE statement of a table, as a snapshot's <c>schema.cql</c> holds it (Cassandra writes the same file):
/// columns in storage order (partition key, clustering, regular: a table re-created from it stores cells at the same
/// positions), the clustering order and every option RingStore keeps. The node's CQL runs it as it is.
/// Storage references only Core, so this is its own small printer rather than the Cql project's formatter.
/// </summary>
public static class SchemaCql
{
    public static string CreateTable(TableSchema schema, bool ifNotExists = false)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var sb = new StringBuilder("CREATE TABLE ");
        if (ifNotExists) sb.Append("IF NOT EXISTS ");
        sb.Append(Name(schema.Keyspace)).Append('.').Append(Name(schema.Name)).Append(" (\n");
        foreach (var c in schema.PartitionKey) sb.Append("    ").Append(Name(c.Name)).Append(' ').Append(Type(c.Type)).Append(",\n");
        foreach (var c in schema.Clustering) sb.Append("    ").Append(Name(c.Name)).Append(' ').Append(Type(c.Type)).Append(",\n");
        foreach (var c in schema.Regular) sb.Append("    ").Append(Name(c.Name)).Append(' ').Append(Type(c.Type)).Append(",\n");
        string partition = schema.PartitionKey.Count == 1
            ? Name(schema.PartitionKey[0].Name)
            : "(" + string.Join(", ", schema.PartitionKey.Select(c => Name(c.Name))) + ")";
        sb.Append("    PRIMARY KEY (").Append(partition);
        foreach (var c in schema.Clustering) sb.Append(", ").Append(Name(c.Name));
        sb.Append(")\n)");

        var o = schema.Options;
        var options = new List<string>();
        if (schema.Clustering.Count > 0)
            options.Add("CLUSTERING ORDER BY (" + string.Join(", ", schema.Clustering.Select(c => $"{Name(c.Name)} {(c.Order == ClusteringOrder.Desc ? "DESC" : "ASC")}")) + ")");
        options.Add(Compaction(o));
        options.Add(Compression(o.Compression));
        options.Add(Invariant($"default_time_to_live = {o.DefaultTimeToLiveSeconds}"));
        options.Add(Invariant($"gc_grace_seconds = {o.GcGraceSeconds}"));
        options.Add(Invariant($"bloom_filter_fp_chance = {o.BloomFilterFpChance.ToString("R", CultureInfo.InvariantCulture)}"));
        sb.Append(" WITH ").AppendJoin("\n    AND ", options).Append(";\n");
        return sb.ToString();
    }

    private static string Compaction(TableOptions o)
    {
        string thresholds = Invariant($"'min_threshold': '{o.CompactionMinThreshold}', 'max_threshold': '{o.CompactionMaxThreshold}'");
        if (o.Compaction != CompactionStrategyKind.TimeWindow)
            return $"compaction = {{'class': 'SizeTieredCompactionStrategy', {thresholds}}}";
        // CQL's units are minutes, hours and days: the largest that divides the window (never below one minute).
        long minutes = Math.Max(1, (long)Math.Ceiling(o.CompactionWindow.TotalMinutes));
        var (size, unit) = minutes % 1440 == 0 ? (minutes / 1440, "DAYS") : minutes % 60 == 0 ? (minutes / 60, "HOURS") : (minutes, "MINUTES");
        return Invariant($"compaction = {{'class': 'TimeWindowCompactionStrategy', 'compaction_window_size': '{size}', 'compaction_window_unit': '{unit}', {thresholds}}}");
    }

    /// <summary>Cassandra's map syntax (CompressionProperty in the node reads it back); off is {'enabled': 'false'}.</summary>
    private static string Compression(CompressionOptions c)
    {
        if (!c.Enabled) return "compression = {'enabled': 'false'}";
        return c.Algorithm == CompressionAlgorithm.Zstd
            ? Invariant($"compression = {{'class': 'ZstdCompressor', 'chunk_length_in_kb': '{c.ChunkLengthKb}', 'compression_level': '{c.ZstdLevel}'}}")
            : Invariant($"compression = {{'class': 'LZ4Compressor', 'chunk_length_in_kb': '{c.ChunkLengthKb}'}}");
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Type(ColumnType type) => type.ToString().ToLowerInvariant();

    /// <summary>Lower-case identifiers stay bare; anything else is double-quoted (quoting a plain name is harmless in CQL).</summary>
    public static string Name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool plain = name.Length > 0 && (char.IsAsciiLetterLower(name[0]) || name[0] == '_')
            && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')
            && !ReservedWords.Contains(name);
        return plain ? name : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Words the CQL grammar reserves that a column could be named (quoted) after.</summary>
    private static readonly HashSet<string> ReservedWords = new(StringComparer.Ordinal)
    {
        "add", "allow", "alter", "and", "apply", "asc", "authorize", "batch", "begin", "by", "columnfamily", "create", "delete",
        "desc", "describe", "drop", "entries", "execute", "from", "full", "grant", "if", "in", "index", "infinity", "insert",
        "into", "is", "keyspace", "limit", "modify", "nan", "norecursive", "not", "null", "of", "on", "or", "order", "primary",
        "rename", "replace", "revoke", "schema", "select", "set", "table", "to", "token", "truncate", "unlogged", "update",
        "use", "using", "view", "where", "with", "key", "exists", "ttl", "timestamp", "count", "type",
    };
}

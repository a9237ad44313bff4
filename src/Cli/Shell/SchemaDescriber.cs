using System.Globalization;
using System.Text;
using RingStore.Client.Protos;

namespace RingStore.Cli.Shell;

/// <summary>DESCRIBE output from the cluster's schema (DescribeSchema): keyspace and table lists and CREATE statements. Pure.</summary>
public static class SchemaDescriber
{
    public static string Keyspaces(DescribeSchemaResponse schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return string.Join("  ", schema.Keyspaces.Select(k => k.Name).Order(StringComparer.Ordinal)) + "\n";
    }

    /// <summary>Tables per keyspace (only <paramref name="keyspace"/>'s when given), as cqlsh lists them.</summary>
    public static string Tables(DescribeSchemaResponse schema, string? keyspace)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var sb = new StringBuilder();
        var keyspaces = schema.Keyspaces.Select(k => k.Name).Where(k => keyspace is null || k == keyspace).Order(StringComparer.Ordinal);
        foreach (var ks in keyspaces)
        {
            string title = $"Keyspace {ks}";
            sb.Append(title).Append('\n').Append(new string('-', title.Length)).Append('\n');
            var tables = schema.Tables.Where(t => t.Keyspace == ks).Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
            sb.Append(tables.Count == 0 ? "<empty>" : string.Join("  ", tables)).Append("\n\n");
        }
        return sb.ToString();
    }

    public static string CreateKeyspace(KeyspaceInfo keyspace)
    {
        ArgumentNullException.ThrowIfNull(keyspace);
        var r = keyspace.Replication;
        string map = r.Class.EndsWith("NetworkTopologyStrategy", StringComparison.Ordinal)
            ? string.Concat(r.Datacenters.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $", '{d.Key}': '{d.Value}'"))
            : $", 'replication_factor': '{r.ReplicationFactor.ToString(CultureInfo.InvariantCulture)}'";
        return $"CREATE KEYSPACE {Name(keyspace.Name)} WITH replication = {{'class': '{r.Class}'{map}}};\n";
    }

    public static string CreateTable(TableInfo table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var sb = new StringBuilder();
        sb.Append("CREATE TABLE ").Append(Name(table.Keyspace)).Append('.').Append(Name(table.Name)).Append(" (\n");
        foreach (var column in table.PartitionKey.Concat(table.Clustering).Concat(table.Columns))
            sb.Append("    ").Append(Name(column.Name)).Append(' ').Append(TypeName(column.Type)).Append(",\n");
        string partition = table.PartitionKey.Count == 1
            ? Name(table.PartitionKey[0].Name)
            : "(" + string.Join(", ", table.PartitionKey.Select(c => Name(c.Name))) + ")";
        string key = string.Join(", ", new[] { partition }.Concat(table.Clustering.Select(c => Name(c.Name))));
        sb.Append("    PRIMARY KEY (").Append(key).Append(")\n)");
        var options = new List<string>();
        if (table.Clustering.Count > 0)
            options.Add("CLUSTERING ORDER BY (" + string.Join(", ", table.Clustering.Select(c => $"{Name(c.Name)} {(c.Descending ? "DESC" : "ASC")}")) + ")");
        var o = table.Options ?? new Client.Protos.TableOptions();
        string compaction = o.Compaction.Length == 0 ? "SizeTieredCompactionStrategy" : o.Compaction;
        // Only the options of the table's own strategy: the window belongs to TimeWindowCompactionStrategy alone.
        bool timeWindow = compaction.EndsWith("TimeWindowCompactionStrategy", StringComparison.Ordinal);
        options.Add(timeWindow && o.CompactionWindowSeconds > 0
            ? $"compaction = {{'class': '{compaction}', 'compaction_window_size': '{o.CompactionWindowSeconds.ToString(CultureInfo.InvariantCulture)}', 'compaction_window_unit': 'SECONDS'}}"
            : $"compaction = {{'class': '{compaction}'}}");
        options.Add($"default_time_to_live = {o.DefaultTimeToLive.ToString(CultureInfo.InvariantCulture)}");
        options.Add($"gc_grace_seconds = {(o.HasGcGraceSeconds ? o.GcGraceSeconds : 864000).ToString(CultureInfo.InvariantCulture)}");
        sb.Append(" WITH ").AppendJoin("\n    AND ", options).Append(";\n");
        return sb.ToString();
    }

    public static string TypeName(ColumnType type) => type == ColumnType.Unspecified ? "unknown" : type.ToString().ToLowerInvariant();

    /// <summary>Names that would not survive the lexer unquoted (upper case, reserved words, symbols) are double-quoted.</summary>
    public static string Name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool plain = name.Length > 0 && (char.IsAsciiLetterLower(name[0]) || name[0] == '_')
            && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')
            && !Cql.CqlKeywords.IsReserved(name);
        return plain ? name : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}

using System.Globalization;
using RingStore.Core.Errors;
using RingStore.Cql.Ast;
using static RingStore.Node.Native.SystemTables.SystemColumns;

namespace RingStore.Node.Native.SystemTables;

/// <summary>
/// Answers SELECTs on the virtual system keyspaces (system, system_schema, system_virtual_schema) that drivers send on
/// connect and after schema changes: picks the table, keeps the rows whose columns equal the WHERE literals
/// (<c>key='local'</c>, <c>keyspace_name='ks' AND table_name='t'</c>) and projects the selected columns. A column a
/// driver asks for that RingStore does not have comes back null rather than failing its whole connect. One page.
/// </summary>
public static class SystemTableQuery
{
    public static bool IsSystemKeyspace(string? keyspace) => keyspace is "system" or "system_schema" or "system_virtual_schema";

    public static NativeRows Select(SystemTableSources node, SelectStatement select, string keyspace)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(select);
        string table = select.Table.Name;
        var data = (keyspace, table) switch
        {
            ("system", "local") => SystemLocalPeers.Local(node),
            ("system", "peers") => SystemLocalPeers.Peers(node, v2: false),
            ("system", "peers_v2") => SystemLocalPeers.Peers(node, v2: true),
            ("system_schema", _) => SystemSchemaTables.Build(table, node.Schema.Current),
            ("system_virtual_schema", "keyspaces") => SystemTableData.Empty(Text("keyspace_name")),
            ("system_virtual_schema", "tables") => SystemTableData.Empty(Text("keyspace_name"), Text("table_name"), Text("comment")),
            ("system_virtual_schema", "columns") => SystemTableData.Empty(Text("keyspace_name"), Text("table_name"), Text("column_name"),
                Text("clustering_order"), Blob("column_name_bytes"), Text("kind"), Int("position"), Text("type")),
            _ => null,
        } ?? throw new InvalidRequestException($"unconfigured table {table}");
        return Project(keyspace, table, data, select);
    }

    private static NativeRows Project(string keyspace, string table, SystemTableData data, SelectStatement select)
    {
        var index = data.Columns.Select((c, i) => (c.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var filters = new List<(int Column, HashSet<string> Values)>();
        foreach (var restriction in select.Where)
        {
            if (restriction.Target is not ColumnTarget { Column: var column } || !index.TryGetValue(column, out int at))
                throw new InvalidRequestException($"Unsupported restriction on system table {keyspace}.{table}");
            if (restriction.Operator is not (RelationOperator.Equal or RelationOperator.In) || restriction.Values.Any(v => v is not Literal))
                throw new InvalidRequestException($"Only = and IN with constants are supported on system table {keyspace}.{table}");
            filters.Add((at, restriction.Values.Select(v => ((Literal)v).Text).ToHashSet(StringComparer.Ordinal)));
        }

        var selected = new List<(NativeColumn Column, int Source)>();
        if (select.IsWildcard)
        {
            selected.AddRange(data.Columns.Select((c, i) => (c, i)));
        }
        else
        {
            foreach (var item in select.Selectors)
            {
                if (item.Selector is not ColumnSelector { Column: var name })
                    throw new InvalidRequestException($"Only columns can be selected from system table {keyspace}.{table}");
                selected.Add(index.TryGetValue(name, out int at) ? (data.Columns[at] with { Name = item.Alias ?? name }, at) : (Text(item.Alias ?? name), -1));
            }
        }

        var rows = data.Rows
            .Where(row => filters.All(f => row[f.Column] is { } v && f.Values.Contains(Convert.ToString(v, CultureInfo.InvariantCulture)!)))
            .Select(row => selected.Select(s => s.Source < 0 ? null : NativeValueCodec.Encode(s.Column.Type, row[s.Source])).ToArray())
            .ToList();
        return new NativeRows(keyspace, table, selected.Select(s => s.Column).ToList(), rows, null);
    }
}

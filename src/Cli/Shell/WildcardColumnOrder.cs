using System.Text.RegularExpressions;
using RingStore.Client.Protos;

namespace RingStore.Cli.Shell;

/// <summary>
/// <c>SELECT *</c> shown as cqlsh shows it: the partition key, the clustering columns, then the other columns in
/// alphabetical order. The nodes return the regular columns in schema (CREATE TABLE) order and other clients of the
/// API rely on that, so the shell reorders what it prints. Pure.
/// </summary>
public static partial class WildcardColumnOrder
{
    /// <summary>The order to print the result's columns in (indexes into <paramref name="columns"/>), or null to keep it.</summary>
    public static int[]? For(string statement, IReadOnlyList<string> columns, DescribeSchemaResponse? schema, string? keyspace)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(columns);
        if (schema is null || !SelectStar().IsMatch(statement)) return null;
        var table = CqlCompleter.StatementTable(statement, schema, keyspace);
        if (table is null) return null;
        var keys = table.PartitionKey.Concat(table.Clustering).Select(c => c.Name).ToList();
        var regular = table.Columns.Select(c => c.Name).ToList();
        // Only when the result is exactly the table's columns, keys first (what * returns).
        if (columns.Count != keys.Count + regular.Count || !columns.Take(keys.Count).SequenceEqual(keys, StringComparer.Ordinal)
            || !columns.Skip(keys.Count).Order(StringComparer.Ordinal).SequenceEqual(regular.Order(StringComparer.Ordinal), StringComparer.Ordinal))
            return null;
        var order = Enumerable.Range(0, keys.Count)
            .Concat(Enumerable.Range(keys.Count, regular.Count).OrderBy(i => columns[i], StringComparer.Ordinal))
            .ToArray();
        return order.SequenceEqual(Enumerable.Range(0, columns.Count)) ? null : order;
    }

    [GeneratedRegex(@"^\s*SELECT\s+(DISTINCT\s+)?\*\s*FROM\s", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SelectStar();
}

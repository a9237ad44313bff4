using System.Text;
using RingStore.Cql.Ast;
using RingStore.Core.Schema;

namespace RingStore.Cql;

/// <summary>
/// Prints a statement back as CQL on one line (DESCRIBE, logs, error reports). Parsing the output
/// gives an equal AST (property-tested); an inline "id bigint PRIMARY KEY" comes back as a
/// PRIMARY KEY clause, which is the same AST.
/// </summary>
public static class CqlFormatter
{
    public static string Format(CqlStatement statement) => statement switch
    {
        CreateKeyspaceStatement s => $"CREATE KEYSPACE {IfNotExists(s.IfNotExists)}{CqlText.Name(s.Keyspace)} WITH {Properties(s.Properties)}",
        DropKeyspaceStatement s => $"DROP KEYSPACE {(s.IfExists ? "IF EXISTS " : "")}{CqlText.Name(s.Keyspace)}",
        UseStatement s => $"USE {CqlText.Name(s.Keyspace)}",
        CreateTableStatement s => FormatCreateTable(s),
        DropTableStatement s => $"DROP TABLE {(s.IfExists ? "IF EXISTS " : "")}{CqlText.Name(s.Table)}",
        CreateIndexStatement s => $"CREATE INDEX {IfNotExists(s.IfNotExists)}{(s.Name is null ? "" : CqlText.Name(s.Name) + " ")}ON {CqlText.Name(s.Table)} ({CqlText.Name(s.Column)})",
        DropIndexStatement s => $"DROP INDEX {(s.IfExists ? "IF EXISTS " : "")}{CqlText.Name(s.Index)}",
        TruncateStatement s => $"TRUNCATE TABLE {CqlText.Name(s.Table)}",
        InsertStatement s => $"INSERT INTO {CqlText.Name(s.Table)} ({CqlText.Names(s.Columns)}) VALUES ({CqlText.Terms(s.Values)}){Using(s.Using)}",
        UpdateStatement s => $"UPDATE {CqlText.Name(s.Table)}{Using(s.Using)} SET "
            + string.Join(", ", s.Assignments.Select(a => CqlText.Name(a.Column) + " = " + CqlText.Term(a.Value)))
            + " WHERE " + Restrictions(s.Where),
        DeleteStatement s => "DELETE " + (s.Columns.Count > 0 ? CqlText.Names(s.Columns) + " " : "")
            + $"FROM {CqlText.Name(s.Table)}{Using(s.Using)} WHERE {Restrictions(s.Where)}",
        BatchStatement s => FormatBatch(s),
        SelectStatement s => FormatSelect(s),
        null => throw new ArgumentNullException(nameof(statement)),
        _ => throw new ArgumentOutOfRangeException(nameof(statement), statement.GetType().Name, "unknown statement"),
    };

    private static string IfNotExists(bool flag) => flag ? "IF NOT EXISTS " : "";

    private static string FormatCreateTable(CreateTableStatement s)
    {
        var text = new StringBuilder($"CREATE TABLE {IfNotExists(s.IfNotExists)}{CqlText.Name(s.Table)} (");
        foreach (var column in s.Columns)
            text.Append(CqlText.Name(column.Name)).Append(' ').Append(LiteralConverter.TypeName(column.Type)).Append(", ");
        var key = s.PrimaryKey;
        string partition = key.PartitionKey.Count == 1
            ? CqlText.Name(key.PartitionKey[0])
            : "(" + CqlText.Names(key.PartitionKey) + ")";
        text.Append("PRIMARY KEY (").Append(partition);
        foreach (var column in key.Clustering) text.Append(", ").Append(CqlText.Name(column));
        text.Append("))");
        var options = new List<string>();
        if (s.ClusteringOrder.Count > 0)
            options.Add("CLUSTERING ORDER BY (" + string.Join(", ", s.ClusteringOrder.Select(o => CqlText.Name(o.Column) + Direction(o.Order))) + ")");
        if (s.Properties.Count > 0) options.Add(Properties(s.Properties));
        if (options.Count > 0) text.Append(" WITH ").Append(string.Join(" AND ", options));
        return text.ToString();
    }

    private static string Direction(ClusteringOrder order) => order == ClusteringOrder.Desc ? " DESC" : " ASC";

    private static string Properties(IEnumerable<PropertyAssignment> properties) =>
        string.Join(" AND ", properties.Select(p => CqlText.Name(p.Name) + " = " + PropertyValue(p.Value)));

    private static string PropertyValue(PropertyValue value) => value switch
    {
        ConstantPropertyValue c => CqlText.Literal(c.Value),
        MapPropertyValue m => "{" + string.Join(", ", m.Entries.Select(e => CqlText.Quote(e.Key) + ": " + CqlText.Literal(e.Value))) + "}",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "unknown property value"),
    };

    /// <summary>
    /// " USING TTL x AND TIMESTAMP y", or TIMESTAMP first when both are bind markers numbered that
    /// way, so a prepared statement keeps its parameter order.
    /// </summary>
    private static string Using(UsingClause u)
    {
        var parts = new List<string>();
        if (u.TimeToLive is not null) parts.Add("TTL " + CqlText.Term(u.TimeToLive));
        if (u.Timestamp is not null) parts.Add("TIMESTAMP " + CqlText.Term(u.Timestamp));
        if (u.TimeToLive is BindMarker ttl && u.Timestamp is BindMarker ts && ts.Index < ttl.Index) parts.Reverse();
        return parts.Count == 0 ? "" : " USING " + string.Join(" AND ", parts);
    }

    private static string FormatBatch(BatchStatement s)
    {
        var text = new StringBuilder(s.Kind == BatchKind.Unlogged ? "BEGIN UNLOGGED BATCH" : "BEGIN BATCH");
        text.Append(Using(s.Using));
        foreach (var statement in s.Statements) text.Append(' ').Append(Format(statement)).Append(';');
        return text.Append(" APPLY BATCH").ToString();
    }

    private static string FormatSelect(SelectStatement s)
    {
        var text = new StringBuilder("SELECT ");
        text.Append(s.IsWildcard ? "*" : string.Join(", ", s.Selectors.Select(Selector)));
        text.Append(" FROM ").Append(CqlText.Name(s.Table));
        if (s.Where.Count > 0) text.Append(" WHERE ").Append(Restrictions(s.Where));
        if (s.GroupBy is { } groupBy) text.Append(" GROUP BY ").Append(CqlText.Names(groupBy));
        if (s.OrderBy.Count > 0)
            text.Append(" ORDER BY ").Append(string.Join(", ", s.OrderBy.Select(o => CqlText.Name(o.Column) + Direction(o.Direction))));
        if (s.PerPartitionLimit is not null) text.Append(" PER PARTITION LIMIT ").Append(CqlText.Term(s.PerPartitionLimit));
        if (s.Limit is not null) text.Append(" LIMIT ").Append(CqlText.Term(s.Limit));
        if (s.AllowFiltering) text.Append(" ALLOW FILTERING");
        if (s.AllowPartialResults) text.Append(" ALLOW PARTIAL RESULTS");
        return text.ToString();
    }

    private static string Selector(SelectorItem item)
    {
        string selector = item.Selector switch
        {
            ColumnSelector c => CqlText.Name(c.Column),
            CountSelector => "COUNT(*)",
            AggregateSelector a => a.Function.ToString().ToUpperInvariant() + "(" + CqlText.Name(a.Column) + ")",
            TokenSelector t => "token(" + CqlText.Names(t.Columns) + ")",
            _ => throw new ArgumentOutOfRangeException(nameof(item), item.Selector, "unknown selector"),
        };
        return item.Alias is null ? selector : selector + " AS " + CqlText.Name(item.Alias);
    }

    private static string Restrictions(IEnumerable<Restriction> restrictions) =>
        string.Join(" AND ", restrictions.Select(Restriction));

    private static string Restriction(Restriction r)
    {
        string target = r.Target switch
        {
            ColumnTarget c => CqlText.Name(c.Column),
            TokenTarget t => "token(" + CqlText.Names(t.Columns) + ")",
            _ => throw new ArgumentOutOfRangeException(nameof(r), r.Target, "unknown restriction target"),
        };
        return r.Operator switch
        {
            RelationOperator.In => target + " IN (" + CqlText.Terms(r.Values) + ")",
            RelationOperator.Equal => target + " = " + CqlText.Term(r.Value),
            RelationOperator.LessThan => target + " < " + CqlText.Term(r.Value),
            RelationOperator.LessThanOrEqual => target + " <= " + CqlText.Term(r.Value),
            RelationOperator.GreaterThan => target + " > " + CqlText.Term(r.Value),
            RelationOperator.GreaterThanOrEqual => target + " >= " + CqlText.Term(r.Value),
            _ => throw new ArgumentOutOfRangeException(nameof(r), r.Operator, "unknown operator"),
        };
    }
}

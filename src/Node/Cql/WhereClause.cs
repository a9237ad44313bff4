using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Cql.Ast;

namespace RingStore.Node.Cql;

/// <summary>
/// A WHERE clause sorted by what it restricts: the token, each partition-key column (= or IN), each clustering
/// column (= or IN, or up to one lower and one upper bound) and regular columns (only ever filtered). Checks what
/// holds whatever the statement kind; what each statement allows is up to its planner.
/// </summary>
public sealed class WhereClause
{
    private WhereClause(TableSchema table)
    {
        Table = table;
        PartitionKey = new ColumnRestriction?[table.PartitionKey.Count];
        Clustering = new List<ColumnRestriction>[table.Clustering.Count];
        for (int i = 0; i < Clustering.Length; i++) Clustering[i] = [];
    }

    public TableSchema Table { get; }

    /// <summary>Per partition-key column: its = or IN restriction, or null.</summary>
    public ColumnRestriction?[] PartitionKey { get; }

    /// <summary>Per clustering column: one = or IN restriction, or up to one lower and one upper bound.</summary>
    public List<ColumnRestriction>[] Clustering { get; }

    public List<ColumnRestriction> Regular { get; } = [];

    /// <summary>Ranges on partition-key columns: only with ALLOW FILTERING, and only ever filtered.</summary>
    public List<ColumnRestriction> PartitionKeyRanges { get; } = [];

    /// <summary>token(pk) relations, as written.</summary>
    public List<Restriction> Token { get; } = [];

    public bool HasFullPartitionKey => PartitionKey.All(r => r is not null);

    public bool HasAnyPartitionKey => PartitionKey.Any(r => r is not null);

    public bool HasClustering => Clustering.Any(c => c.Count > 0);

    public IEnumerable<string> MissingPartitionKeyParts => Table.PartitionKey.Where((c, i) => PartitionKey[i] is null).Select(c => c.Name);

    /// <summary>Every column restriction (for filtering on the coordinator).</summary>
    public IEnumerable<ColumnRestriction> AllColumnRestrictions =>
        PartitionKey.OfType<ColumnRestriction>().Concat(PartitionKeyRanges).Concat(Clustering.SelectMany(c => c)).Concat(Regular);

    /// <param name="allowFiltering">SELECT ... ALLOW FILTERING: ranges on partition-key columns are accepted (and filtered).</param>
    public static WhereClause Analyze(TableSchema table, IReadOnlyList<Restriction> where, bool allowFiltering = false)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(where);
        var clause = new WhereClause(table);
        foreach (var relation in where)
        {
            if (relation.Target is TokenTarget token)
            {
                CheckTokenColumns(table, token.Columns);
                clause.Token.Add(relation);
                continue;
            }
            var column = ColumnRef.Resolve(table, ((ColumnTarget)relation.Target).Column);
            var restriction = new ColumnRestriction(column, relation.Operator, relation.Values);
            switch (column.Kind)
            {
                case ColumnKind.PartitionKey:
                    if (!restriction.IsEqualityOrIn)
                    {
                        if (!allowFiltering)
                            throw new InvalidRequestException("Only EQ and IN relation are supported on the partition key (unless you use the token() function)");
                        clause.PartitionKeyRanges.Add(restriction);
                        break;
                    }
                    if (clause.PartitionKey[column.Index] is not null) throw MoreThanOneEqual(column.Name);
                    clause.PartitionKey[column.Index] = restriction;
                    break;
                case ColumnKind.Clustering:
                    AddClustering(clause.Clustering[column.Index], restriction);
                    break;
                default:
                    if (relation.Operator == RelationOperator.In)
                        throw new InvalidRequestException($"IN predicates on non-primary-key columns ({column.Name}) is not yet supported");
                    clause.Regular.Add(restriction);
                    break;
            }
        }
        return clause;
    }

    /// <summary>token(...) must name the partition key columns, all of them, in order.</summary>
    public static void CheckTokenColumns(TableSchema table, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var name in columns) ColumnRef.Resolve(table, name);
        if (!columns.SequenceEqual(table.PartitionKey.Select(c => c.Name)))
            throw new InvalidRequestException(
                $"The token function arguments must be in the partition key order: {string.Join(", ", table.PartitionKey.Select(c => c.Name))}");
    }

    private static void AddClustering(List<ColumnRestriction> existing, ColumnRestriction restriction)
    {
        string name = restriction.Column.Name;
        if (restriction.IsEqualityOrIn)
        {
            if (existing.Count > 0) throw MoreThanOneEqual(name);
        }
        else if (existing.Any(r => r.IsEqualityOrIn))
        {
            throw MoreThanOneEqual(name);
        }
        else if (restriction.IsLowerBound && existing.Any(r => r.IsLowerBound))
        {
            throw new InvalidRequestException($"More than one restriction was found for the start bound on {name}");
        }
        else if (restriction.IsUpperBound && existing.Any(r => r.IsUpperBound))
        {
            throw new InvalidRequestException($"More than one restriction was found for the end bound on {name}");
        }
        existing.Add(restriction);
    }

    private static InvalidRequestException MoreThanOneEqual(string column) =>
        new($"{column} cannot be restricted by more than one relation if it includes an Equal");
}

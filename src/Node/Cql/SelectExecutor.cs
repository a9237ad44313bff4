using Google.Protobuf;
using RingStore.Client.Protos;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using ColumnType = RingStore.Core.Schema.ColumnType;
using RingStore.Cql.Ast;
using RingStore.Node.Guardrails;
using RingStore.Node.Requests;
using RingStore.Node.Schema;

namespace RingStore.Node.Cql;

/// <summary>
/// SELECT: resolves the table and selection, decides between reading known partitions (every partition-key
/// column restricted by = or IN) and a token-range scan, turns clustering restrictions into slices (or filters
/// under ALLOW FILTERING), applies ORDER BY and LIMIT, and returns one page with the paging state of the next.
/// </summary>
public sealed class SelectExecutor(SchemaManager schema, ReadCoordinator reads, RangeReadCoordinator rangeReads,
    InSelectGuardrail inSelect, long pageMaxBytes, TimeProvider clock)
{
    public const int CountPageSize = 5000;

    public const string FilteringMessage =
        "Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. " +
        "If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING";

    /// <summary>A page's byte limit beside its row count (Node option ResultPageMaxKiB): a page of large values ends early, with a paging state.</summary>
    private long PageMaxBytes => pageMaxBytes;

    public async Task<ExecuteResponse> ExecuteAsync(SelectStatement select, CqlRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(select);
        ArgumentNullException.ThrowIfNull(request);
        var table = TableResolver.Table(schema.Current, select.Table, request.SessionKeyspace);
        var selection = Selection.Build(table, select);
        var pager = Plan(table, select, request);
        long limit = Limit(select, request.Binder);

        var response = new ExecuteResponse { Kind = ExecuteResponse.Types.Kind.Rows };
        response.Columns.AddRange(selection.Columns);
        if (selection.IsCount)
        {
            long count = 0;
            CqlPagingState? state = null;
            do
            {
                var page = await pager.ReadPageAsync(state, CountPageSize, ct, PageMaxBytes).ConfigureAwait(false);
                count += page.Rows.Count;
                state = page.Next;
            }
            while (state is not null);
            response.Rows.Add(new ResultRow { Values = { new Client.Protos.Value { Bigint = count } } });
            return response;
        }

        long soFar = request.Paging?.RowsSoFar ?? 0;
        long remaining = limit - soFar;
        if (remaining <= 0) return response;
        int wanted = (int)Math.Min(request.PageSize, remaining);
        var result = await pager.ReadPageAsync(request.Paging, wanted, ct, PageMaxBytes).ConfigureAwait(false);
        response.Rows.AddRange(result.Rows.Select(r => selection.Project(r.PartitionKey, r.Token, r.Row)));
        long returned = soFar + result.Rows.Count;
        if (result.Next is { } next && returned < limit)
            response.PagingState = ByteString.CopyFrom((next with { RowsSoFar = returned }).Serialize());
        return response;
    }

    private IPager Plan(TableSchema table, SelectStatement select, CqlRequest request)
    {
        var binder = request.Binder;
        var where = WhereClause.Analyze(table, select.Where, select.AllowFiltering);
        bool reversed = Reversed(table, select.OrderBy);
        if (where.HasFullPartitionKey)
        {
            if (where.Token.Count > 0) throw new InvalidRequestException("Cannot use the token() function together with restrictions on the partition key columns");
            var keys = PartitionKeys.From(where, binder);
            var clustering = ClusteringSelection.Build(where, binder);
            inSelect.Check(table.FullName, keys.Count, clustering.Prefixes.Count);
            var filtered = new List<ColumnRestriction>();
            IReadOnlyList<ClusteringSlice> slices;
            if (clustering.UnusableReason is not null)
            {
                if (!select.AllowFiltering) clustering.RequireUsable();
                slices = [ClusteringSlice.All];
                filtered.AddRange(where.Clustering.SelectMany(c => c));
            }
            else
            {
                slices = clustering.Slices();
            }
            if (where.Regular.Count > 0 && !select.AllowFiltering) throw new InvalidRequestException(FilteringMessage);
            filtered.AddRange(where.Regular);
            filtered.AddRange(where.PartitionKeyRanges);
            // One multi-slice read per partition (slices in stored order; a reversed read walks them backwards).
            var segments = keys.Select(k => (k, slices)).ToList();
            return new PartitionPager(reads, table.Keyspace, table, segments, reversed, RowFilter.Build(filtered, binder), request.Consistency);
        }

        if (select.OrderBy.Count > 0) throw new InvalidRequestException("ORDER BY is only supported when the partition key is restricted by an EQ or an IN.");
        var restrictions = where.AllColumnRestrictions.ToList();
        if (restrictions.Count > 0 && !select.AllowFiltering) throw new InvalidRequestException(FilteringMessage);
        var (start, end) = TokenBounds(table, where, binder);
        return new RangePager(rangeReads, table.Keyspace, table, start, end, RowFilter.Build(restrictions, binder), request.Consistency,
            () => (int)clock.GetUtcNow().ToUnixTimeSeconds());
    }

    /// <summary>token(pk) relations as one interval (startExclusive, endInclusive]; an empty one has start &gt;= end.</summary>
    private static (long Start, long End) TokenBounds(TableSchema table, WhereClause where, TermBinder binder)
    {
        long start = long.MinValue, end = long.MaxValue;
        foreach (var relation in where.Token)
        {
            long v = binder.Token(relation.Value, table);
            long below = v == long.MinValue ? long.MinValue : v - 1;
            switch (relation.Operator)
            {
                case RelationOperator.Equal:
                    start = Math.Max(start, below);
                    end = Math.Min(end, v);
                    break;
                case RelationOperator.GreaterThan:
                    start = Math.Max(start, v);
                    break;
                case RelationOperator.GreaterThanOrEqual:
                    start = Math.Max(start, below);
                    break;
                case RelationOperator.LessThan:
                    end = Math.Min(end, v == long.MinValue ? long.MinValue : v - 1);
                    break;
                default:
                    end = Math.Min(end, v);
                    break;
            }
        }
        return (start, end);
    }

    /// <summary>ORDER BY must follow the clustering columns in order, all in the table's order or all reversed.</summary>
    private static bool Reversed(TableSchema table, IReadOnlyList<Ordering> orderBy)
    {
        bool? reversed = null;
        for (int i = 0; i < orderBy.Count; i++)
        {
            var column = ColumnRef.Resolve(table, orderBy[i].Column);
            if (column.Kind != ColumnKind.Clustering)
                throw new InvalidRequestException($"Order by is currently only supported on the clustered columns of the PRIMARY KEY, got {column.Name}");
            if (column.Index != i)
                throw new InvalidRequestException("Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY");
            bool thisReversed = orderBy[i].Direction != table.Clustering[i].Order;
            if (reversed is { } r && r != thisReversed) throw new InvalidRequestException("Unsupported order by relation");
            reversed = thisReversed;
        }
        return reversed ?? false;
    }

    private static long Limit(SelectStatement select, TermBinder binder)
    {
        if (select.Limit is null) return long.MaxValue;
        int limit = (int)(binder.Value(select.Limit, ColumnType.Int, "[limit]") ?? throw new InvalidRequestException("Invalid null value of limit"));
        return limit > 0 ? limit : throw new InvalidRequestException("LIMIT must be strictly positive");
    }
}

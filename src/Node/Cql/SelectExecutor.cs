using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using ColumnType = RingStore.Core.Schema.ColumnType;
using RingStore.Cql.Ast;
using RingStore.Coordination.Scatter;
using RingStore.Core.Values;
using RingStore.Node.Cql.Aggregates;
using RingStore.Node.Guardrails;
using RingStore.Node.Requests;
using RingStore.Node.Schema;

namespace RingStore.Node.Cql;

/// <summary>
/// SELECT: resolves the table and selection, decides between reading known partitions (every partition-key
/// column restricted by = or IN) and a token-range scan, turns clustering restrictions into slices (or filters
/// under ALLOW FILTERING), applies ORDER BY and LIMIT, and returns one page with the paging state of the next.
/// Range scans fan out by scatter-gather (<see cref="ParallelRangePager"/>) unless it is switched off (then
/// <see cref="RangePager"/>, one piece after another); aggregates over a range are pushed to the replicas
/// (<see cref="RangeAggregator"/>); ALLOW PARTIAL RESULTS (or the request option) turns a lost range into a missing
/// range in the answer instead of an error.
/// </summary>
public sealed partial class SelectExecutor(SchemaManager schema, ReadCoordinator reads, RangeReadCoordinator rangeReads,
    InSelectGuardrail inSelect, long pageMaxBytes, TimeProvider clock, ScatterGatherDriver? scatter = null, RangeAggregator? aggregator = null)
{
    public const int CountPageSize = 5000;

    public const string FilteringMessage =
        "Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. " +
        "If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING";

    /// <summary>Set by the node: SELECTs with = on an indexed column are answered through local secondary indexes (src/Node/Indexes).</summary>
    public Indexes.IndexLookupCoordinator? IndexLookups { get; init; }

    /// <summary>A page's byte limit beside its row count (Node option ResultPageMaxKiB): a page of large values ends early, with a paging state.</summary>
    private long PageMaxBytes => pageMaxBytes;

    public async Task<CqlResult> ExecuteAsync(SelectStatement select, CqlRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(select);
        ArgumentNullException.ThrowIfNull(request);
        var table = TableResolver.Table(schema.Current, select.Table, request.SessionKeyspace);
        var selection = Selection.Build(table, select);
        bool allowPartial = select.AllowPartialResults || request.AllowPartialResults;
        long perPartitionLimit = PerPartitionLimit(select, request.Binder);
        if (selection.Aggregate is { GroupByPartition: false } && select.PerPartitionLimit is not null)
            throw new InvalidRequestException("PER PARTITION LIMIT is not allowed with aggregate queries.");
        // Grouped by the partition key, every partition is one group: PER PARTITION LIMIT n (n >= 1) changes nothing.
        var planned = Plan(table, select, request, allowPartial, selection.Aggregate is null ? perPartitionLimit : long.MaxValue, selection.Aggregate is not null);
        long limit = Limit(select, request.Binder);

        var response = new CqlResult { Kind = CqlResultKind.Rows };
        response.Columns.AddRange(selection.Columns);
        if (selection.Aggregate is { GroupByPartition: true } grouped)
        {
            var missing = await GroupPageAsync(table, grouped, planned, request, allowPartial, limit, response, ct).ConfigureAwait(false);
            if (allowPartial && planned.IsRange) Coverage(response, planned, missing);
            return response;
        }
        if (selection.Aggregate is { } aggregate)
        {
            var missing = await AggregateAsync(table, aggregate, planned, request, allowPartial, limit, response, ct).ConfigureAwait(false);
            if (allowPartial && planned.IsRange) Coverage(response, planned, missing);
            return response;
        }

        long soFar = request.Paging?.RowsSoFar ?? 0;
        long remaining = limit - soFar;
        if (remaining <= 0) return response;
        int wanted = (int)Math.Min(request.PageSize, remaining);
        var result = await planned.Pager.ReadPageAsync(request.Paging, wanted, ct, PageMaxBytes).ConfigureAwait(false);
        response.Rows.AddRange(result.Rows.Select(r => selection.Project(r.PartitionKey, r.Token, r.Row)));
        long returned = soFar + result.Rows.Count;
        if (result.Next is { } next && returned < limit)
            response.PagingState = (next with { RowsSoFar = returned }).Serialize();
        if (allowPartial && planned.IsRange) Coverage(response, planned, result.Missing ?? []);
        return response;
    }

    /// <summary>
    /// An aggregate: pushed to the replicas range by range (<see cref="RangeAggregator"/>) when it is a range scan
    /// without coordinator-side filters and scatter-gather is on; otherwise folded here over the rows the pager reads
    /// (known partitions, ALLOW FILTERING, or the sequential path). Both fold with the same <see cref="AggregateState"/>.
    /// Returns the token ranges missing (partial results only). Without GROUP BY (grouped: <see cref="GroupPageAsync"/>).
    /// </summary>
    private async Task<IReadOnlyList<ScatterRange>> AggregateAsync(TableSchema table, AggregatePlan aggregate, Planned planned, CqlRequest request,
        bool allowPartial, long limit, CqlResult response, CancellationToken ct)
    {
        var total = AggregateState.For(aggregate);
        var missing = new List<ScatterRange>();
        if (planned.IsRange && !planned.HasFilter && aggregator is not null && scatter is { Settings.Enabled: true })
        {
            var outcome = await aggregator.AggregateAsync(table.Keyspace, table.FullName, aggregate, planned.Start, planned.End, request.Consistency,
                allowPartial, ct).ConfigureAwait(false);
            foreach (var (_, partial) in outcome.Delivered)
            {
                if (partial.Total is { } t) total.Merge(aggregate, t);
            }
            missing.AddRange(outcome.Missing);
        }
        else
        {
            CqlPagingState? state = null;
            do
            {
                var page = await planned.Pager.ReadPageAsync(state, CountPageSize, ct, PageMaxBytes).ConfigureAwait(false);
                foreach (var row in page.Rows) total.Add(aggregate, row.PartitionKey, table, row.Row);
                if (page.Missing is { } m) missing.AddRange(m);
                state = page.Next;
            }
            while (state is not null);
        }

        response.Rows.Add(AggregateRow(table, aggregate, total, null));
        return missing;
    }

    private static CqlRow AggregateRow(TableSchema table, AggregatePlan aggregate, AggregateState state, object[]? key)
    {
        var row = new CqlRow();
        foreach (var (isKey, index) in aggregate.Outputs)
        {
            row.Values.Add(isKey
                ? key![index]
                : state.Result(aggregate, index));
        }
        return row;
    }

    /// <summary>
    /// The completeness signal of a partial-results scan: the missing token ranges (adjacent ones joined) and the
    /// fraction of the queried span covered, in the response and, when something is missing, as a client warning
    /// (so cqlsh-style shells and native-protocol drivers see it too).
    /// </summary>
    private static void Coverage(CqlResult response, Planned planned, IReadOnlyList<ScatterRange> missing)
    {
        double covered = RingCoverage.Covered(new ScatterRange(0, planned.Start, planned.End), missing);
        response.Coverage = covered;
        foreach (var (start, end) in RingCoverage.Coalesce(missing))
            response.MissingRanges.Add(new CqlTokenRange(start, end));
        if (missing.Count > 0)
            ClientWarnings.Add($"Partial results: {covered:P1} of the queried token ranges covered, {response.MissingRanges.Count} token range(s) missing " +
                $"({string.Join(", ", response.MissingRanges.Take(5).Select(r => $"({r.StartExclusive}, {r.EndInclusive}]"))}{(response.MissingRanges.Count > 5 ? ", ..." : "")})");
    }

    /// <summary>How a SELECT reads: its pager, and for a range scan its token bounds and whether rows are filtered here;
    /// for known partitions their keys in read order (<see cref="Keys"/>, for GROUP BY paging).</summary>
    private sealed record Planned(IPager Pager, bool IsRange, bool HasFilter, long Start, long End, IReadOnlyList<byte[]>? Keys = null);

    private Planned Plan(TableSchema table, SelectStatement select, CqlRequest request, bool allowPartial, long perPartitionLimit, bool aggregate)
    {
        var binder = request.Binder;
        var where = WhereClause.Analyze(table, select.Where, select.AllowFiltering);
        if (Indexes.IndexQueryPlanner.TryPlan(table, where, select, binder, request.Consistency, IndexLookups, reads, rangeReads, scatter) is { } indexed)
            return new Planned(indexed, false, true, 0, 0);
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
            var rowFilter = RowFilter.Build(filtered, binder);
            // IN with ORDER BY: rows merged across the partitions in clustering order (a top-N with LIMIT), as Cassandra.
            IPager partitions = keys.Count > 1 && select.OrderBy.Count > 0 && !aggregate
                ? new MergedPartitionPager(reads, table.Keyspace, table, segments, reversed, rowFilter, request.Consistency, perPartitionLimit)
                : new PartitionPager(reads, table.Keyspace, table, segments, reversed, rowFilter, request.Consistency, perPartitionLimit);
            return new Planned(partitions, false, filtered.Count > 0, 0, 0, keys);
        }

        // No top-N over a scan (as Cassandra): it would read n rows of every partition of the table (src/Node/Cql/README.md).
        if (select.OrderBy.Count > 0) throw new InvalidRequestException("ORDER BY is only supported when the partition key is restricted by an EQ or an IN.");
        var restrictions = where.AllColumnRestrictions.ToList();
        if (restrictions.Count > 0 && !select.AllowFiltering) throw new InvalidRequestException(FilteringMessage);
        var (start, end) = TokenBounds(table, where, binder);
        var filter = RowFilter.Build(restrictions, binder);
        Func<int> now = () => (int)clock.GetUtcNow().ToUnixTimeSeconds();
        IPager pager = scatter is { Settings.Enabled: true }
            ? new ParallelRangePager(rangeReads, scatter, table.Keyspace, table, start, end, filter, request.Consistency, allowPartial, now, perPartitionLimit)
            : new RangePager(rangeReads, table.Keyspace, table, start, end, filter, request.Consistency, now, perPartitionLimit);
        return new Planned(pager, true, restrictions.Count > 0, start, end);
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

    /// <summary>PER PARTITION LIMIT's value (long.MaxValue without), strictly positive as Cassandra requires.</summary>
    private static long PerPartitionLimit(SelectStatement select, TermBinder binder)
    {
        if (select.PerPartitionLimit is null) return long.MaxValue;
        int limit = (int)(binder.Value(select.PerPartitionLimit, ColumnType.Int, "[per_partition_limit]")
            ?? throw new InvalidRequestException("Invalid null value of per partition limit"));
        return limit > 0 ? limit : throw new InvalidRequestException("PER PARTITION LIMIT must be strictly positive");
    }

    private static long Limit(SelectStatement select, TermBinder binder)
    {
        if (select.Limit is null) return long.MaxValue;
        int limit = (int)(binder.Value(select.Limit, ColumnType.Int, "[limit]") ?? throw new InvalidRequestException("Invalid null value of limit"));
        return limit > 0 ? limit : throw new InvalidRequestException("LIMIT must be strictly positive");
    }
}

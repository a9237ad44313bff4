using System.Runtime.CompilerServices;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Cql.Ast;
using RingStore.Node.Cql;

namespace RingStore.Node.Native;

/// <summary>
/// Runs a prepared INSERT's EXECUTE without the statement executor when it can: the table resolved as the executor
/// resolves it, the cached <see cref="NativeInsertPlan"/> builds the partition update from the bound bytes, and
/// <see cref="Requests.ClientWrites"/> (the door every front end's writes go through: validation, size limits,
/// guardrails, the coordinator) writes it at the request's consistency inside the same client-warnings scope as the
/// slow path. Anything the plan does not take (named values, paging state, an unknown table, a value the slow path
/// might refuse, an invalid consistency) answers null before anything is written, and the caller
/// runs the slow path, so errors are the slow path's own.
/// </summary>
/// <param name="schema">The current schema (the table as the executor sees it).</param>
/// <param name="writes">The node's client-write entry point.</param>
public sealed class NativeFastInsert(Schema.SchemaManager schema, Requests.ClientWrites writes)
{
    /// <summary>One prepared statement's plan for the table schema it was made for (null plan: not fast-pathable there).</summary>
    private sealed record Entry(TableSchema Table, NativeInsertPlan? Plan);

    private sealed class Holder
    {
        public volatile Entry? Current;
    }

    // Keyed by the prepared statement object, so a plan goes when the statement leaves the prepared cache.
    private readonly ConditionalWeakTable<PreparedStatement, Holder> _plans = new();

    /// <summary>The write's task, or null when the slow path must run the statement.</summary>
    public Task<NativeStatementRunner.Outcome>? TryExecute(PreparedStatement prepared, string? keyspace, NativeQueryParameters parameters, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(parameters);
        if (prepared.Statement is not InsertStatement insert || parameters.Names is not null || parameters.PagingState is { Length: > 0 }) return null;
        if (parameters.Consistency is not (<= 7 or 10)) return null;
        var plan = PlanFor(prepared, insert, keyspace);
        if (plan is null) return null;
        var now = writes.Now();
        if (!plan.TryBuild(parameters.Values, parameters.DefaultTimestamp ?? now.Micros, now.Seconds, out var update)) return null;
        return WriteAsync(plan.Table, update, NativeStatementRunner.Consistency(parameters.Consistency), ct);
    }

    private async Task<NativeStatementRunner.Outcome> WriteAsync(TableSchema table, Core.Data.PartitionUpdate update, Core.Consistency.ConsistencyLevel consistency,
        CancellationToken ct)
    {
        using var collected = Requests.ClientWarnings.Begin();
        await writes.WriteAsync([(table, update)], consistency, ct).ConfigureAwait(false);
        return new NativeStatementRunner.Outcome(NativeResultEncoder.Void, collected.Messages);
    }

    private NativeInsertPlan? PlanFor(PreparedStatement prepared, InsertStatement insert, string? keyspace)
    {
        var current = schema.Current;
        TableSchema table;
        try
        {
            table = TableResolver.Table(current, insert.Table, keyspace);
        }
        catch (InvalidRequestException)
        {
            return null;
        }
        var holder = _plans.GetOrCreateValue(prepared);
        if (holder.Current is { } entry && ReferenceEquals(entry.Table, table)) return entry.Plan;
        NativeInsertPlan? plan = null;
        try
        {
            var markers = BindMetadata.Of(insert, current, keyspace).Columns.Select(c => c.Type).ToArray();
            plan = NativeInsertPlan.TryCreate(table, insert, markers);
        }
        catch (InvalidRequestException)
        {
            // The slow path reports it.
        }
        holder.Current = new Entry(table, plan);
        return plan;
    }
}

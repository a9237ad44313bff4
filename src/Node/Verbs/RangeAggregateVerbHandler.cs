using RingStore.Core.Consistency;
using RingStore.Core.Partitioning;
using RingStore.Coordination;
using RingStore.Node.Cql.Aggregates;
using RingStore.Node.Messaging;
using RingStore.Node.Requests;
using RingStore.Node.Schema;

namespace RingStore.Node.Verbs;

/// <summary>
/// A node as the sub-coordinator of one range of a pushed-down aggregate (as ScyllaDB's parallel aggregation): it
/// reads the range at the requested consistency through its own <see cref="RangeReadCoordinator"/> (at ONE it is a
/// replica, so that is a local read; above ONE the replicas' answers are merged and repaired first), folds only the
/// rows live after that merge, and answers partial states, never rows.
/// </summary>
public sealed class RangeAggregateVerbHandler(SchemaManager schema, RangeReadCoordinator rangeReads, TimeProvider clock) : IVerbHandler
{
    public async ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var command = CoordinationMessageSerializer.Deserialize<RangeAggregateCommandMessage>(payload);
        var response = await AnswerAsync(command, cancellationToken).ConfigureAwait(false);
        return CoordinationMessageSerializer.Serialize(response);
    }

    /// <summary>Shared with the coordinator when it is itself the range's sub-coordinator.</summary>
    public async Task<RangeAggregateResponseMessage> AnswerAsync(RangeAggregateCommandMessage command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!Enum.IsDefined((ConsistencyLevel)command.Consistency)) throw new FormatException($"unknown consistency {command.Consistency}");
        if (!schema.Current.TryGetTable(command.Keyspace, TableName(command.Table), out var table))
            throw new InvalidOperationException($"unknown table {command.Table}");
        var plan = AggregatePlan.FromWire(table, command.Functions, command.Columns, command.GroupByPartition);
        var folder = new AggregateFolder(plan, table, (int)clock.GetUtcNow().ToUnixTimeSeconds());
        // Warnings raised by this range's read (tombstone guardrail) go back to the coordinator with the partials.
        using var warnings = ClientWarnings.Begin();
        await foreach (var partition in rangeReads.ReadAsync(command.Keyspace, command.Table, new Token(command.StartExclusive),
            new Token(command.EndInclusive), (ConsistencyLevel)command.Consistency, ct).ConfigureAwait(false))
            folder.Add(partition);
        var messages = warnings.Messages;
        return new RangeAggregateResponseMessage(CoordinationMessageSerializer.CurrentVersion,
            plan.GroupByPartition ? null : folder.Total, plan.GroupByPartition ? folder.Groups.ToArray() : null,
            messages.Count > 0 ? messages.ToArray() : null);
    }

    private static string TableName(string fullName) => fullName[(fullName.IndexOf('.') + 1)..];
}

using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Node.Guardrails;

namespace RingStore.Node.Requests;

/// <summary>
/// The one door through which a client's writes reach the coordinator, whatever the front end: the gRPC Mutate call
/// (unary or inside a Session), CQL INSERT/UPDATE/DELETE/BATCH (gRPC Execute or the native protocol). The front end
/// turns its request into partition updates stamped with <see cref="Now"/>; this class then does, in one place, what
/// every front end must do the same way: fold the updates of one partition into one mutation (a partition is written
/// atomically, as Cassandra applies a batch per partition), validate every update and check the size limits and
/// guardrails before anything is sent (so a bad statement or batch writes nothing), and coordinate each partition.
/// </summary>
public sealed class ClientWrites(WriteCoordinator writes, MutationSizeLimit mutationLimit, WriteGuardrails guardrails,
    long maxValueBytes, TimeProvider clock)
{
    /// <summary>Where LOGGED batches over several partitions go (src/Node/Batchlog); null: written as UNLOGGED ones.</summary>
    public RingStore.Node.Batchlog.BatchlogWriter? Batchlog { get; init; }

    /// <summary>Warns of UNLOGGED batches over many partitions.</summary>
    public RingStore.Node.Batchlog.UnloggedBatchWarning UnloggedWarning { get; init; } = RingStore.Node.Batchlog.UnloggedBatchWarning.None;

    /// <summary>The write time for updates that carry no client timestamp (microseconds) and for TTLs (seconds).</summary>
    public WriteTime Now()
    {
        var now = clock.GetUtcNow();
        return new WriteTime(now.ToUnixTimeMilliseconds() * 1000 + now.Microsecond, (int)now.ToUnixTimeSeconds());
    }

    /// <summary>
    /// Validates and writes <paramref name="updates"/> at <paramref name="consistency"/>; fails if any partition's
    /// write fails. Partitions are coordinated independently (a failure can leave others written), except for a
    /// <see cref="WriteBatchKind.Logged"/> batch over several partitions, which goes through the batchlog: all of it
    /// is applied eventually, even if this node dies or a partition's write fails.
    /// </summary>
    /// <exception cref="Core.Errors.InvalidRequestException">An update is invalid or too large; nothing was sent.</exception>
    public Task WriteAsync(IReadOnlyList<(TableSchema Table, PartitionUpdate Update)> updates, ConsistencyLevel consistency, CancellationToken ct,
        WriteBatchKind batch = WriteBatchKind.None)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count == 1)
        {
            // The common case: one partition, nothing to fold, no fan-out.
            var (table, update) = updates[0];
            Check(table, update);
            guardrails.Check(updates);
            return writes.WriteAsync(table.Keyspace, update, consistency, ct);
        }
        var merged = Fold(updates);
        foreach (var (table, update) in merged) Check(table, update);
        guardrails.Check(merged);
        if (merged.Count > 1 && batch == WriteBatchKind.Logged && Batchlog is not null) return Batchlog.WriteAsync(merged, consistency, ct);
        if (merged.Count > 1 && batch == WriteBatchKind.Unlogged) UnloggedWarning.Check(merged);
        return Task.WhenAll(merged.Select(u => writes.WriteAsync(u.Table.Keyspace, u.Update, consistency, ct)));
    }

    /// <summary>
    /// Writes data that was stored once already (a snapshot's partitions, the Load call): the updates keep their own
    /// timestamps, values are not refused for size (the mutation size limit still applies) and the write guardrails do
    /// not warn; otherwise as <see cref="WriteAsync"/>: every update is validated before any is sent, then each
    /// partition is coordinated.
    /// </summary>
    /// <exception cref="Core.Errors.InvalidRequestException">An update is invalid or too large; nothing was sent.</exception>
    public Task LoadAsync(TableSchema table, IReadOnlyList<PartitionUpdate> updates, ConsistencyLevel consistency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(updates);
        foreach (var update in updates)
        {
            MutationValidator.Validate(table, update, long.MaxValue);
            mutationLimit.Check(table, update);
        }
        return Task.WhenAll(updates.Select(u => writes.WriteAsync(table.Keyspace, u, consistency, ct)));
    }

    private void Check(TableSchema table, PartitionUpdate update)
    {
        MutationValidator.Validate(table, update, maxValueBytes);
        mutationLimit.Check(table, update);
    }

    private static List<(TableSchema Table, PartitionUpdate Update)> Fold(IReadOnlyList<(TableSchema Table, PartitionUpdate Update)> updates)
    {
        var tables = new Dictionary<string, TableSchema>(StringComparer.Ordinal);
        foreach (var (table, _) in updates) tables[table.FullName] = table;
        return [.. PartitionUpdateMerger.Merge(updates.Select(u => u.Update)).Select(u => (tables[u.Table], u))];
    }
}

/// <summary>What a client write is: plain writes (gRPC Mutate, one CQL statement), or a CQL BATCH of either kind.</summary>
public enum WriteBatchKind
{
    None,
    Logged,
    Unlogged,
}

/// <summary>A coordinator's "now" for one request: the default cell timestamp and the base of TTLs.</summary>
public readonly record struct WriteTime(long Micros, int Seconds);

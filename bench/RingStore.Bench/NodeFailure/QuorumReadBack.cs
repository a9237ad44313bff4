using RingStore.Bench.Verification;
using RingStore.Bench.Workloads;
using RingStore.Client;
using RingStore.Client.Protos;

namespace RingStore.Bench.NodeFailure;

/// <summary>
/// The check after the fault, while the whole cluster runs: every partition the load wrote to is read in full at
/// QUORUM through the SDK. Every acknowledged write must come back with its value (else it is lost). Every row that
/// comes back must belong to a write the load issued (acknowledged, or failed and maybe applied), with exactly that
/// write's value, and appear once.
/// </summary>
/// <remarks>
/// Why this is the duplicate check, and what it cannot see: every write has a unique clustering key (the workload's
/// synthetic clock) and a value derived from it, and the SDK stamps a mutation once, before the first attempt, so a
/// retry or a speculative attempt carries the same key, value and timestamp as the original. A request applied twice
/// can therefore only become visible as a row the load never wrote, a value of another write, or a second copy of a
/// row; this counts all three. A second application of the very same cell is invisible by design (it is idempotent),
/// which is why the SDK speculates only requests marked idempotent.
/// </remarks>
public static class QuorumReadBack
{
    public static async Task<QuorumReadBackResult> RunAsync(RingStoreClient client, ReadingsTable table, IReadOnlyCollection<AckedWrite> acked,
        IReadOnlyCollection<(long Id, string Bucket, long TimestampMillis)> issued, int valueBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(acked);
        ArgumentNullException.ThrowIfNull(issued);
        var issuedByPartition = issued.GroupBy(w => (w.Id, w.Bucket)).ToDictionary(g => g.Key, g => g.Select(w => w.TimestampMillis).ToHashSet());
        var ackedByPartition = acked.GroupBy(w => (w.Id, w.Bucket)).ToDictionary(g => g.Key, g => g.ToList());
        long rows = 0, missing = 0, wrong = 0, unexpected = 0, duplicates = 0, landedUnacked = 0, readErrors = 0;
        var lost = new HashSet<(long, string, long)>();
        foreach (var (key, written) in issuedByPartition)
        {
            var mine = ackedByPartition.GetValueOrDefault(key) ?? [];
            ReadResponse? response = null;
            for (int attempt = 0; attempt < 3 && response is null; attempt++)
            {
                try
                {
                    response = await PagedRead.AllPagesAsync((r, c) => client.ReadAsync(r, c), table.FullRead(key.Id, key.Bucket, 0, Consistency.Quorum), ct).ConfigureAwait(false);
                }
                catch (RingStoreException) when (attempt < 2)
                {
                    await Task.Delay(500, ct).ConfigureAwait(false);
                }
                catch (RingStoreException)
                {
                    readErrors++;
                }
            }
            if (response is null)
            {
                // Unread is not lost, but it is not shown to be there either: count it against the run.
                foreach (var w in mine) lost.Add((w.Id, w.Bucket, w.TimestampMillis));
                continue;
            }
            int ts = ColumnIndex(response, "ts"), v = ColumnIndex(response, "v");
            var seen = new Dictionary<long, Value>();
            foreach (var row in response.Rows)
            {
                rows++;
                long t = ts >= 0 ? row.Values[ts].Bigint : long.MinValue;
                if (!seen.TryAdd(t, v >= 0 ? row.Values[v] : new Value())) duplicates++;
                if (!written.Contains(t)) unexpected++;
                else if (v < 0 || row.Values[v].KindCase != Value.KindOneofCase.Blob || !ReadingValue.Matches(key.Id, t, valueBytes, row.Values[v].Blob.Span)) wrong++;
            }
            var ackedHere = mine.Select(w => w.TimestampMillis).ToHashSet();
            landedUnacked += seen.Keys.Count(t => written.Contains(t) && !ackedHere.Contains(t));
            foreach (var w in mine)
            {
                if (!seen.TryGetValue(w.TimestampMillis, out var value) || value.KindCase != Value.KindOneofCase.Blob
                    || !ReadingValue.Matches(w.Id, w.TimestampMillis, valueBytes, value.Blob.Span))
                {
                    missing++;
                    lost.Add((w.Id, w.Bucket, w.TimestampMillis));
                }
            }
        }
        return new QuorumReadBackResult
        {
            Partitions = issuedByPartition.Count,
            WritesIssued = issued.Count,
            AckedWrites = acked.Count,
            RowsRead = rows,
            AckedMissingOrWrong = missing,
            UnexpectedRows = unexpected,
            WrongValues = wrong,
            DuplicateRows = duplicates,
            UnacknowledgedWritesThatLanded = landedUnacked,
            PartitionsUnread = readErrors,
            Lost = lost,
        };
    }

    private static int ColumnIndex(ReadResponse response, string name)
    {
        for (int i = 0; i < response.Columns.Count; i++)
            if (response.Columns[i].Name == name) return i;
        return -1;
    }
}

/// <summary>What the QUORUM read-back found (see <see cref="QuorumReadBack"/>); all but the first four and the last should be 0.</summary>
public sealed record QuorumReadBackResult
{
    public long Partitions { get; init; }
    public long WritesIssued { get; init; }
    public long AckedWrites { get; init; }
    public long RowsRead { get; init; }
    /// <summary>Acknowledged writes the QUORUM read did not return with their value: lost.</summary>
    public long AckedMissingOrWrong { get; init; }
    /// <summary>Rows whose key no request of the load carried.</summary>
    public long UnexpectedRows { get; init; }
    /// <summary>Rows of an issued write holding a value that is not that write's.</summary>
    public long WrongValues { get; init; }
    /// <summary>A clustering key returned more than once in one partition.</summary>
    public long DuplicateRows { get; init; }
    /// <summary>Writes that failed for the client (timeout: maybe applied) but landed; fine, for information.</summary>
    public long UnacknowledgedWritesThatLanded { get; init; }
    public long PartitionsUnread { get; init; }

    /// <summary>The keys counted as lost, to join with the per-replica read-back.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlySet<(long Id, string Bucket, long TimestampMillis)> Lost { get; init; } = new HashSet<(long, string, long)>();
}

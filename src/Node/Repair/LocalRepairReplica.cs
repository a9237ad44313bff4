using System.Runtime.CompilerServices;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Node.Requests;
using RingStore.Storage.Engine;
using RingStore.Storage.Repair;

namespace RingStore.Node.Repair;

/// <summary>
/// This node's side of a repair, used both when it coordinates (for itself) and when a peer asks it (RepairVerbHandler).
/// Validation and digests read the merged view page by page (RepairScan); nothing is flushed first, so memtable data
/// counts as well as SSTable data. A fetch answers at most about <see cref="LocalReplica.ReplyMaxBytes"/> (4 MiB by
/// default, the budget of every replica reply), so wide rows cannot make a huge frame: the coordinator asks again for
/// the entries left over.
/// </summary>
public sealed class LocalRepairReplica(LocalReplica local, string name, RepairHistory history) : IRepairReplica
{
    private StorageEngine Engine => local.Engine;

    public string Name => name;

    public Task<(MerkleTree Tree, long Entries)> ValidateAsync(string table, long startExclusive, long endInclusive, int depth, int nowSeconds, CancellationToken ct) =>
        Task.Run(() => RepairScan.BuildTree(Engine, table, startExclusive, endInclusive, depth, nowSeconds), ct);

    public async IAsyncEnumerable<RepairEntry> DigestsAsync(string table, long startExclusive, long endInclusive, int nowSeconds,
        [EnumeratorCancellation] CancellationToken ct)
    {
        long from = startExclusive;
        while (true)
        {
            var (entries, resume) = DigestPage(table, from, endInclusive, nowSeconds);
            foreach (var e in entries) yield return e;
            if (resume is not { } next) yield break;
            from = next;
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }

    /// <summary>Digest entries per reply, about; a reply ends only between two tokens, so it resumes after a token.</summary>
    public const int EntriesPerPage = 16_384;

    /// <summary>
    /// The entries of (start, end] from its start up to about <see cref="EntriesPerPage"/>, ending between two tokens
    /// (so a partition's entries are never split over two replies, however many rows it has), and where the next page
    /// starts (null: done).
    /// </summary>
    public (List<RepairEntry> Entries, long? ResumeAfter) DigestPage(string table, long startExclusive, long endInclusive, int nowSeconds)
    {
        var entries = new List<RepairEntry>();
        long? lastToken = null;
        // Pieces, not joined partitions: a wide partition's rows are never held, only their digests (~100 B each).
        foreach (var (p, continues) in RepairScan.Pieces(Engine, table, startExclusive, endInclusive))
        {
            if (entries.Count >= EntriesPerPage && lastToken is { } last && p.Token.Value != last) return (entries, last);
            entries.AddRange(continues ? RowDigester.RowEntries(p, nowSeconds) : RowDigester.Entries(p, nowSeconds));
            lastToken = p.Token.Value;
        }
        return (entries, null);
    }

    public Task<FetchedEntries> FetchAsync(string table, IReadOnlyList<RepairEntry> entries, CancellationToken ct) =>
        Task.FromResult(Fetch(table, entries));

    /// <summary>
    /// The named entries, in request order, until the answer holds about <see cref="LocalReplica.ReplyMaxBytes"/>
    /// (always at least one entry, so a single row over the budget still moves); <see cref="FetchedEntries.Served"/>
    /// says how many of the request's entries (a prefix) were looked at. Consecutive entries of one partition become
    /// one partition in the answer.
    /// </summary>
    public FetchedEntries Fetch(string table, IReadOnlyList<RepairEntry> entries)
    {
        var result = new List<MergedPartitionData>();
        long budget = Math.Max(1, local.ReplyMaxBytes), bytes = 0;
        int served = 0;
        RepairEntry? current = null;
        var deletion = DeletionTime.Live;
        IReadOnlyList<RangeTombstone> tombstones = [];
        var rows = new List<Row>();
        bool found = false;
        void Close()
        {
            if (current is not null && found) result.Add(new MergedPartitionData(current.PartitionKey, new Token(current.Token), deletion, tombstones, rows));
            deletion = DeletionTime.Live;
            tombstones = [];
            rows = [];
            found = false;
        }
        while (served < entries.Count && (served == 0 || bytes < budget))
        {
            var e = entries[served++];
            if (current is null || current.Token != e.Token || !current.PartitionKey.AsSpan().SequenceEqual(e.PartitionKey))
            {
                Close();
                current = e;
            }
            if (e.IsHeader)
            {
                // Limit 0: the partition's deletion and all its range tombstones, no rows.
                // Repair reads around the chunk cache: its rows are not what the next point read wants.
                var header = Engine.ReadUnfiltered(new SliceQuery(table, e.PartitionKey, ClusteringSlice.All, Limit: 0), fillCache: false);
                if (header is null) continue;
                found = true;
                deletion = header.PartitionDeletion;
                tombstones = header.RangeTombstones;
                bytes += 32 + header.RangeTombstones.Count * 48L;
            }
            else
            {
                var data = Engine.ReadUnfiltered(new SliceQuery(table, e.PartitionKey, ClusteringSlice.Exactly(e.Clustering)), fillCache: false);
                var row = data?.Rows.FirstOrDefault(r => r.Clustering.AsSpan().SequenceEqual(e.Clustering));
                if (row is null) continue;
                found = true;
                rows.Add(row);
                bytes += row.EstimatedSizeBytes;
            }
        }
        Close();
        return new FetchedEntries(result, served);
    }

    public Task RecordRepairedAsync(string table, long startExclusive, long endInclusive, long repairedAtUnixSeconds, CancellationToken ct)
    {
        history.Record([new RepairHistoryEntry(table, startExclusive, endInclusive, repairedAtUnixSeconds)]);
        return Task.CompletedTask;
    }

    public async Task ApplyAsync(PartitionUpdate update, CancellationToken ct) => await local.ApplyAsync(update, ct).ConfigureAwait(false);
}

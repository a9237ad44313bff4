using RingStore.Core.Data;
using RingStore.Core.Serialization;
using RingStore.Node.Streaming;
using RingStore.Storage.Engine;
using RingStore.Storage.Repair;

namespace RingStore.Node.Repair;

/// <summary>What one range's repair did.</summary>
/// <param name="EntriesCompared">Entries (rows and partition headers) hashed, the most any replica held.</param>
/// <param name="EntriesDiffering">Entries whose digests were not equal on every replica.</param>
/// <param name="RowsSent">Entries written to replicas that lacked that version (one per target).</param>
public sealed record RangeRepairResult(long EntriesCompared, int DifferingLeaves, long EntriesDiffering, long RowsSent, long BytesSent, long BytesReceived)
{
    public static readonly RangeRepairResult Empty = new(0, 0, 0, 0, 0, 0);

    public RangeRepairResult Add(RangeRepairResult o) => new(EntriesCompared + o.EntriesCompared, DifferingLeaves + o.DifferingLeaves,
        EntriesDiffering + o.EntriesDiffering, RowsSent + o.RowsSent, BytesSent + o.BytesSent, BytesReceived + o.BytesReceived);
}

/// <summary>A replica failed during a range's repair; the message names it.</summary>
public sealed class RepairReplicaException(string replica, Exception inner)
    : Exception($"replica {replica}: {inner.GetType().Name}: {inner.Message}", inner)
{
    public string Replica { get; } = replica;
}

/// <summary>
/// Row-level repair of one non-wrapping range among its replicas (ScyllaDB-style, not Cassandra's whole-leaf streaming):
/// 1. every replica builds the range's Merkle tree (same depth, same expiry instant); 2. for each leaf whose hash is not
/// equal everywhere, every replica lists the entry digests of that leaf's token sub-range; 3. for each entry whose
/// digest is not the same on all replicas, each distinct version is fetched once from a replica holding it and written
/// to every replica that does not hold that version, through its normal write path with the original timestamps and
/// tombstones, so the merge rule settles it (a newer local version wins; nothing is overwritten by a newer clock).
/// Fetched bytes pass the node's stream throttle.
/// </summary>
public sealed class RangeRepairer(StreamThrottle throttle)
{
    /// <summary>Entries fetched from one replica per request.</summary>
    public const int FetchBatch = 256;

    public async Task<RangeRepairResult> RepairAsync(string table, long startExclusive, long endInclusive, IReadOnlyList<IRepairReplica> replicas,
        int depth, int nowSeconds, CancellationToken ct)
    {
        var trees = await Task.WhenAll(replicas.Select(r =>
            Named(r, () => r.ValidateAsync(table, startExclusive, endInclusive, depth, nowSeconds, ct)))).ConfigureAwait(false);
        long compared = trees.Max(t => t.Entries);
        var differing = Enumerable.Range(0, trees[0].Tree.LeafCount)
            .Where(i => trees.Any(t => t.Tree.Leaves[i] != trees[0].Tree.Leaves[i])).ToList();
        var result = new RangeRepairResult(compared, differing.Count, 0, 0, 0, 0);
        foreach (int leaf in differing)
        {
            var (ls, le) = trees[0].Tree.LeafRange(leaf);
            result = result.Add(await RepairLeafAsync(table, ls, le, replicas, nowSeconds, ct).ConfigureAwait(false));
        }
        return result;
    }

    private async Task<RangeRepairResult> RepairLeafAsync(string table, long startExclusive, long endInclusive, IReadOnlyList<IRepairReplica> replicas,
        int nowSeconds, CancellationToken ct)
    {
        // One leaf's digests per replica (about TargetPartitionsPerLeaf partitions' rows, not the range's).
        var held = new Dictionary<RepairEntryKey, RepairEntry>[replicas.Count];
        for (int r = 0; r < replicas.Count; r++)
        {
            var map = new Dictionary<RepairEntryKey, RepairEntry>();
            var replica = replicas[r];
            await Named(replica, async () =>
            {
                await foreach (var e in replica.DigestsAsync(table, startExclusive, endInclusive, nowSeconds, ct).ConfigureAwait(false)) map[e.Key] = e;
                return 0;
            }).ConfigureAwait(false);
            held[r] = map;
        }
        // For each version of a differing entry: one source that holds it, and the replicas that do not.
        var fetch = replicas.Select(_ => new List<RepairEntry>()).ToArray();
        var targetsOf = new Dictionary<(RepairEntryKey, UInt128), List<int>>();
        long differingEntries = 0;
        foreach (var key in held.SelectMany(m => m.Keys).Distinct())
        {
            var versions = held.Select(m => m.TryGetValue(key, out var e) ? e : null).ToArray();
            if (versions.All(v => v is not null && v.Digest == versions[0]!.Digest)) continue;
            differingEntries++;
            foreach (var version in versions.Where(v => v is not null).DistinctBy(v => v!.Digest))
            {
                int source = Array.FindIndex(versions, v => v is not null && v.Digest == version!.Digest);
                var targets = Enumerable.Range(0, replicas.Count).Where(i => versions[i] is null || versions[i]!.Digest != version!.Digest).ToList();
                fetch[source].Add(version!);
                targetsOf[(key, version!.Digest)] = targets;
            }
        }
        long rowsSent = 0, bytesSent = 0, bytesReceived = 0;
        for (int source = 0; source < replicas.Count; source++)
        {
            foreach (var batch in fetch[source].Chunk(FetchBatch))
            {
                var digestOf = batch.ToDictionary(e => e.Key, e => e.Digest);
                var partitions = await Named(replicas[source], () => replicas[source].FetchAsync(table, batch, ct)).ConfigureAwait(false);
                foreach (var p in partitions)
                {
                    long size = EncodedSize(p);
                    bytesReceived += size;
                    await throttle.AccountAsync(size, ct).ConfigureAwait(false);
                    var (sent, bytes) = await SendAsync(table, p, digestOf, targetsOf, replicas, ct).ConfigureAwait(false);
                    rowsSent += sent;
                    bytesSent += bytes;
                }
            }
        }
        return new RangeRepairResult(0, 0, differingEntries, rowsSent, bytesSent, bytesReceived);
    }

    /// <summary>Writes the fetched entries of one partition to each replica that lacked their version.</summary>
    private static async Task<(long Rows, long Bytes)> SendAsync(string table, MergedPartitionData p, Dictionary<RepairEntryKey, UInt128> digestOf,
        Dictionary<(RepairEntryKey, UInt128), List<int>> targetsOf, IReadOnlyList<IRepairReplica> replicas, CancellationToken ct)
    {
        var perTarget = new Dictionary<int, (bool Header, List<Row> Rows)>();
        void Route(RepairEntryKey key, Action<(bool Header, List<Row> Rows)> add)
        {
            if (!digestOf.TryGetValue(key, out var digest) || !targetsOf.TryGetValue((key, digest), out var targets)) return;
            foreach (int t in targets)
            {
                if (!perTarget.TryGetValue(t, out var slot)) perTarget[t] = slot = (false, []);
                add(slot);
                if (key.IsHeader) perTarget[t] = (true, perTarget[t].Rows);
            }
        }
        Route(new RepairEntryKey(p.Token.Value, p.Key, true, []), _ => { });
        foreach (var row in p.Rows) Route(new RepairEntryKey(p.Token.Value, p.Key, false, row.Clustering), slot => slot.Rows.Add(row));
        long rows = 0, bytes = 0;
        foreach (var (target, (header, targetRows)) in perTarget)
        {
            var update = new PartitionUpdate(table, p.Key, header ? p.PartitionDeletion : DeletionTime.Live,
                header ? p.RangeTombstones : [], targetRows);
            bytes += DataSerializer.Serialize(update).Length;
            rows += targetRows.Count + (header ? 1 : 0);
            await Named(replicas[target], async () => { await replicas[target].ApplyAsync(update, ct).ConfigureAwait(false); return 0; }).ConfigureAwait(false);
        }
        return (rows, bytes);
    }

    private static long EncodedSize(MergedPartitionData p) =>
        p.Key.Length + 32 + p.RangeTombstones.Count * 48L + p.Rows.Sum(r => r.EstimatedSizeBytes);

    private static async Task<T> Named<T>(IRepairReplica replica, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not RepairReplicaException)
        {
            throw new RepairReplicaException(replica.Name, e);
        }
    }
}

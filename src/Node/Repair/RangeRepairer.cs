using RingStore.Core.Data;
using RingStore.Core.Reads;
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
/// digest is not the same on all replicas, each distinct version is fetched once from a replica holding it, the
/// versions are merged by the merge rule (Reconcile), and the result is written to every replica whose digest differs
/// from the merged one's, through its normal write path with the original timestamps and tombstones (the replica's
/// own merge settles it again; nothing is re-stamped with a newer clock).
/// Fetched bytes pass the node's stream throttle.
/// </summary>
public sealed class RangeRepairer(StreamThrottle throttle)
{
    /// <summary>
    /// Entries asked of one replica per request; the replica answers as many as fit its reply budget (bytes), so a
    /// batch of wide rows comes back over several replies.
    /// </summary>
    public const int FetchBatch = 256;

    /// <summary>Adjacent differing leaves exchanged together (each about 64 partitions or 64 KiB).</summary>
    public const int LeavesPerExchange = 16;

    /// <summary>Repair mutations in flight at once (to all targets together).</summary>
    public const int ApplyConcurrency = 8;

    public async Task<RangeRepairResult> RepairAsync(string table, long startExclusive, long endInclusive, IReadOnlyList<IRepairReplica> replicas,
        int depth, int nowSeconds, CancellationToken ct)
    {
        var trees = await Task.WhenAll(replicas.Select(r =>
            Named(r, () => r.ValidateAsync(table, startExclusive, endInclusive, depth, nowSeconds, ct)))).ConfigureAwait(false);
        long compared = trees.Max(t => t.Entries);
        var differing = Enumerable.Range(0, trees[0].Tree.LeafCount)
            .Where(i => trees.Any(t => t.Tree.Leaves[i] != trees[0].Tree.Leaves[i])).ToList();
        var result = new RangeRepairResult(compared, differing.Count, 0, 0, 0, 0);
        // Runs of adjacent differing leaves (up to LeavesPerExchange) are exchanged as one sub-range: one digest
        // listing per replica instead of one per leaf, which is what a scattered difference costs most.
        for (int i = 0; i < differing.Count;)
        {
            int j = i;
            while (j + 1 < differing.Count && differing[j + 1] == differing[j] + 1 && j + 1 - i < LeavesPerExchange) j++;
            var (ls, _) = trees[0].Tree.LeafRange(differing[i]);
            var (_, le) = trees[0].Tree.LeafRange(differing[j]);
            result = result.Add(await RepairLeafAsync(table, ls, le, replicas, nowSeconds, ct).ConfigureAwait(false));
            i = j + 1;
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
        // For each differing entry: every distinct version, fetched once from a replica holding it.
        var fetch = replicas.Select(_ => new List<RepairEntry>()).ToArray();
        var digestsOf = new Dictionary<RepairEntryKey, UInt128?[]>();
        foreach (var key in held.SelectMany(m => m.Keys).Distinct())
        {
            var versions = held.Select(m => m.TryGetValue(key, out var e) ? e : null).ToArray();
            if (versions.All(v => v is not null && v.Digest == versions[0]!.Digest)) continue;
            digestsOf[key] = [.. versions.Select(v => v?.Digest)];
            foreach (var version in versions.Where(v => v is not null).DistinctBy(v => v!.Digest))
                fetch[Array.FindIndex(versions, v => v is not null && v.Digest == version!.Digest)].Add(version!);
        }
        // The versions of each entry merged by the merge rule, as every replica will hold them once written.
        var rows = new Dictionary<RepairEntryKey, Row>();
        var headers = new Dictionary<RepairEntryKey, (DeletionTime Deletion, List<RangeTombstone> Tombstones)>();
        long bytesReceived = 0;
        for (int source = 0; source < replicas.Count; source++)
        {
            // In partition order, so a partition's entries are consecutive and a reply cut by the replica's byte
            // budget resumes at the first entry it did not serve.
            var wanted = fetch[source].OrderBy(e => e.Token).ThenBy(e => e.PartitionKey, ByteOrder.Instance).ToList();
            for (int next = 0; next < wanted.Count;)
            {
                var batch = wanted.GetRange(next, Math.Min(FetchBatch, wanted.Count - next));
                var fetched = await Named(replicas[source], () => replicas[source].FetchAsync(table, batch, ct)).ConfigureAwait(false);
                next += fetched.Served;
                foreach (var p in fetched.Partitions)
                {
                    long size = EncodedSize(p);
                    bytesReceived += size;
                    await throttle.AccountAsync(size, ct).ConfigureAwait(false);
                    var headerKey = new RepairEntryKey(p.Token.Value, p.Key, true, []);
                    if (digestsOf.ContainsKey(headerKey) && (!p.PartitionDeletion.IsLive || p.RangeTombstones.Count > 0))
                    {
                        (DeletionTime Deletion, List<RangeTombstone> Tombstones) h =
                            headers.TryGetValue(headerKey, out var known) ? known : (DeletionTime.Live, new List<RangeTombstone>());
                        h.Tombstones.AddRange(p.RangeTombstones);
                        headers[headerKey] = (DeletionTime.Max(h.Deletion, p.PartitionDeletion), h.Tombstones);
                    }
                    foreach (var row in p.Rows)
                    {
                        var key = new RepairEntryKey(p.Token.Value, p.Key, false, row.Clustering);
                        if (!digestsOf.ContainsKey(key)) continue;
                        rows[key] = rows.TryGetValue(key, out var other) ? Reconcile.Rows(other, row) : row;
                    }
                }
            }
        }
        // Each merged entry goes to every replica whose digest is not the merged one's (a replica that already holds
        // the winning version gets nothing, so a replica that only lacks a newer version is not sent its own older one).
        var updates = new Dictionary<(int Target, RepairEntryKey Partition), (bool Header, DeletionTime Deletion, IReadOnlyList<RangeTombstone> Tombstones, List<Row> Rows)>();
        foreach (var (key, (deletion, tombstones)) in headers)
        {
            var merged = RowDigester.Header(key.Token, key.PartitionKey, deletion, tombstones);
            if (merged is null) continue;
            foreach (int t in Lacking(digestsOf[key], merged.Digest))
                updates[(t, key)] = (true, deletion, tombstones, []);
        }
        foreach (var (key, version) in rows)
        {
            var merged = Reconcile.ApplyDeletion(version, DeletionTime.Live);
            if (merged is null) continue;
            var digest = RowDigester.ForRow(key.Token, key.PartitionKey, merged, nowSeconds).Digest;
            var partition = key with { IsHeader = true, Clustering = [] };
            foreach (int t in Lacking(digestsOf[key], digest))
            {
                if (!updates.TryGetValue((t, partition), out var u)) updates[(t, partition)] = u = (false, DeletionTime.Live, [], []);
                u.Rows.Add(merged);
            }
        }
        long rowsSent = 0, bytesSent = 0;
        var sends = new List<(int Target, PartitionUpdate Update)>();
        foreach (var ((target, partition), u) in updates)
        {
            rowsSent += u.Rows.Count + (u.Header ? 1 : 0);
            foreach (var update in Split(table, partition.PartitionKey, u.Deletion, u.Tombstones, u.Rows))
            {
                bytesSent += DataSerializer.Serialize(update).Length;
                sends.Add((target, update));
            }
        }
        // A few at a time: one round trip per partition, one after another, was most of a scattered repair's time.
        await Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = ApplyConcurrency, CancellationToken = ct }, async (send, c) =>
            await Named(replicas[send.Target], async () => { await replicas[send.Target].ApplyAsync(send.Update, c).ConfigureAwait(false); return 0; })
                .ConfigureAwait(false)).ConfigureAwait(false);
        return new RangeRepairResult(0, 0, digestsOf.Count, rowsSent, bytesSent, bytesReceived);
    }

    /// <summary>Bytes of rows per mutation sent to a replica: a wide partition goes over several, as fetches come back.</summary>
    public const long ApplyChunkBytes = 4L << 20;

    /// <summary>One partition's repaired data as mutations of about <see cref="ApplyChunkBytes"/> each (the header in the first).</summary>
    private static IEnumerable<PartitionUpdate> Split(string table, byte[] key, DeletionTime deletion, IReadOnlyList<RangeTombstone> tombstones, List<Row> rows)
    {
        var chunk = new List<Row>();
        long bytes = 0;
        bool first = true;
        foreach (var row in rows)
        {
            if (chunk.Count > 0 && bytes + row.EstimatedSizeBytes > ApplyChunkBytes)
            {
                yield return first ? new PartitionUpdate(table, key, deletion, tombstones, chunk) : new PartitionUpdate(table, key, DeletionTime.Live, [], chunk);
                first = false;
                chunk = [];
                bytes = 0;
            }
            chunk.Add(row);
            bytes += row.EstimatedSizeBytes;
        }
        if (chunk.Count > 0 || first)
            yield return first ? new PartitionUpdate(table, key, deletion, tombstones, chunk) : new PartitionUpdate(table, key, DeletionTime.Live, [], chunk);
    }

    private static IEnumerable<int> Lacking(UInt128?[] digests, UInt128 merged)
    {
        for (int i = 0; i < digests.Length; i++)
            if (digests[i] != merged) yield return i;
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

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}

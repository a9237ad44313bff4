using RingStore.Coordination;
using RingStore.Node.Messaging;

namespace RingStore.Node.Repair;

/// <summary>
/// A replica's side of a repair another node coordinates: validation (the tree of a range), entry digests of a
/// sub-range (one engine page per request), fetching named entries, and recording a range repaired everywhere. Stateless: a coordinator that dies leaves
/// nothing behind here. One handler per verb (handlers are not told the verb).
/// </summary>
public static class RepairVerbHandlers
{
    public static IVerbHandler For(Verb verb, LocalRepairReplica local, TimeProvider time) => verb switch
    {
        Verb.RepairValidate => new Handler(async (payload, ct) =>
        {
            var r = CoordinationMessageSerializer.Deserialize<RepairValidateRequest>(payload);
            Check(r.StartExclusive, r.EndInclusive);
            var (tree, entries) = await local.ValidateAsync(r.Table, r.StartExclusive, r.EndInclusive, r.Depth, r.NowSeconds, ct).ConfigureAwait(false);
            return CoordinationMessageSerializer.Serialize(new RepairValidateResponse(tree.LeavesToBytes(), entries));
        }),
        Verb.RepairDigests => new Handler((payload, _) =>
        {
            var r = CoordinationMessageSerializer.Deserialize<RepairDigestsRequest>(payload);
            Check(r.StartExclusive, r.EndInclusive);
            var (entries, resume) = local.DigestPage(r.Table, r.StartExclusive, r.EndInclusive, r.NowSeconds);
            return Task.FromResult(CoordinationMessageSerializer.Serialize(
                new RepairDigestsResponse([.. entries.Select(RepairWire.ToWire)], resume is not null, resume ?? 0)));
        }),
        Verb.RepairFetch => new Handler((payload, _) =>
        {
            var r = CoordinationMessageSerializer.Deserialize<RepairFetchRequest>(payload);
            if (r.Entries.Length == 0) throw new FormatException("repair fetch of no entries");
            var fetched = local.Fetch(r.Table, [.. r.Entries.Select(RepairWire.FromWire)]);
            return Task.FromResult(CoordinationMessageSerializer.Serialize(
                new RepairFetchResponse([.. fetched.Partitions.Select(p => MergedPartitionDataCodec.Serialize(p))], fetched.Served)));
        }),
        Verb.RepairRecorded => new Handler(async (payload, ct) =>
        {
            var r = CoordinationMessageSerializer.Deserialize<RepairRecordedRequest>(payload);
            Check(r.StartExclusive, r.EndInclusive);
            if (string.IsNullOrEmpty(r.Table)) throw new FormatException("repair record without a table");
            // Never later than this node's own clock: a coordinator whose clock runs ahead must not make it purge early.
            long at = Math.Min(r.RepairedAtUnixSeconds, time.GetUtcNow().ToUnixTimeSeconds());
            await local.RecordRepairedAsync(r.Table, r.StartExclusive, r.EndInclusive, at, ct).ConfigureAwait(false);
            return [];
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(verb), verb, "not a repair verb"),
    };

    private static void Check(long startExclusive, long endInclusive)
    {
        if (startExclusive >= endInclusive) throw new FormatException($"repair range ({startExclusive}, {endInclusive}] must not wrap");
    }

    private sealed class Handler(Func<ReadOnlyMemory<byte>, CancellationToken, Task<byte[]>> handle) : IVerbHandler
    {
        public async ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
            await handle(payload, cancellationToken).ConfigureAwait(false);
    }
}

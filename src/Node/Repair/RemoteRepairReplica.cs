using System.Runtime.CompilerServices;
using RingStore.Core.Data;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Storage.Engine;
using RingStore.Storage.Repair;

namespace RingStore.Node.Repair;

/// <summary>A peer replica in a repair, over the repair verbs and the ordinary Mutation verb (its normal write path).</summary>
public sealed class RemoteRepairReplica(IMessagingService messaging, PeerAddress peer, TimeSpan validationTimeout, TimeSpan requestTimeout)
    : IRepairReplica
{
    public string Name => peer.ToString();

    public async Task<(MerkleTree Tree, long Entries)> ValidateAsync(string table, long startExclusive, long endInclusive, int depth, int nowSeconds, CancellationToken ct)
    {
        var request = new RepairValidateRequest(CoordinationMessageSerializer.CurrentVersion, table, startExclusive, endInclusive, depth, nowSeconds);
        var response = await messaging.SendRequestAsync(peer, Verb.RepairValidate, CoordinationMessageSerializer.Serialize(request), validationTimeout, ct).ConfigureAwait(false);
        var answer = CoordinationMessageSerializer.Deserialize<RepairValidateResponse>(response.Payload);
        return (MerkleTree.FromBytes(startExclusive, endInclusive, depth, answer.Leaves), answer.Entries);
    }

    public async IAsyncEnumerable<RepairEntry> DigestsAsync(string table, long startExclusive, long endInclusive, int nowSeconds,
        [EnumeratorCancellation] CancellationToken ct)
    {
        long from = startExclusive;
        while (true)
        {
            var request = new RepairDigestsRequest(CoordinationMessageSerializer.CurrentVersion, table, from, endInclusive, nowSeconds);
            var response = await messaging.SendRequestAsync(peer, Verb.RepairDigests, CoordinationMessageSerializer.Serialize(request), requestTimeout, ct).ConfigureAwait(false);
            var page = CoordinationMessageSerializer.Deserialize<RepairDigestsResponse>(response.Payload);
            foreach (var e in page.Entries) yield return RepairWire.FromWire(e);
            if (!page.HasMore) yield break;
            from = page.ResumeAfter;
        }
    }

    public async Task<FetchedEntries> FetchAsync(string table, IReadOnlyList<RepairEntry> entries, CancellationToken ct)
    {
        var request = new RepairFetchRequest(CoordinationMessageSerializer.CurrentVersion, table, [.. entries.Select(RepairWire.ToWire)]);
        var response = await messaging.SendRequestAsync(peer, Verb.RepairFetch, CoordinationMessageSerializer.Serialize(request), requestTimeout, ct).ConfigureAwait(false);
        var answer = CoordinationMessageSerializer.Deserialize<RepairFetchResponse>(response.Payload);
        if (answer.Served < 1 || answer.Served > entries.Count)
            throw new FormatException($"repair fetch answered {answer.Served} of {entries.Count} entries");
        return new FetchedEntries(
            [.. answer.Partitions.Select(p => MergedPartitionDataCodec.Deserialize(p) ?? throw new FormatException("empty partition in a repair fetch"))],
            answer.Served);
    }

    public async Task RecordRepairedAsync(string table, long startExclusive, long endInclusive, long repairedAtUnixSeconds, CancellationToken ct)
    {
        var request = new RepairRecordedRequest(CoordinationMessageSerializer.CurrentVersion, table, startExclusive, endInclusive, repairedAtUnixSeconds);
        await messaging.SendRequestAsync(peer, Verb.RepairRecorded, CoordinationMessageSerializer.Serialize(request), requestTimeout, ct).ConfigureAwait(false);
    }

    public async Task ApplyAsync(PartitionUpdate update, CancellationToken ct) =>
        await messaging.SendRequestAsync(peer, Verb.Mutation, CoordinationMessageSerializer.Serialize(MutationMessage.For(update)), requestTimeout, ct).ConfigureAwait(false);
}

internal static class RepairWire
{
    public static WireEntry ToWire(RepairEntry e) =>
        new(e.Token, e.PartitionKey, e.IsHeader, e.Clustering, (ulong)(e.Digest >> 64), (ulong)e.Digest);

    public static RepairEntry FromWire(WireEntry e) =>
        new(e.Token, e.PartitionKey, e.IsHeader, e.Clustering, new UInt128(e.DigestHigh, e.DigestLow));
}

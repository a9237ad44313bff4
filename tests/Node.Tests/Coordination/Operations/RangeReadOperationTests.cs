using CsCheck;
using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Coordination;
using RingStore.Coordination.Operations;
using RingStore.Gossip.Ring;
using static RingStore.Node.Tests.Coordination.PartitionGen;
using static RingStore.Node.Tests.Coordination.Topologies;

namespace RingStore.Node.Tests.Coordination.Operations;

/// <summary>
/// The range-read state machine alone: events in, effects out. Hand-worked cases for replacement, failure, refusal,
/// cuts and repairs, and a property: whatever the replicas hold, the answer is the merge of what the contacts hold,
/// it comes only after every repair ack, and after the repairs every contact holds exactly the answer.
/// </summary>
public class RangeReadOperationTests
{
    private static readonly NodeInfo N1 = SimpleReplicas[0], N2 = SimpleReplicas[1], N3 = SimpleReplicas[2];

    /// <summary>QUORUM over n1, n2, n3 in that order: n1 and n2 asked, n3 spare.</summary>
    private static RangeReadOperation Quorum()
    {
        var order = new Dictionary<string, double> { ["n1"] = 1, ["n2"] = 2, ["n3"] = 3 };
        var plan = ReplicaPlanner.PlanRead(SimpleReplicas, _ => true, ConsistencyLevel.Quorum, Simple3, "dc1", e => order[e], "elsewhere");
        return new RangeReadOperation(plan, Table);
    }

    private static byte[] K(byte k) => [k];

    /// <summary>One partition of key [k] holding one row [1] written at <paramref name="ts"/>.</summary>
    private static MergedPartitionData P(byte k, long ts) => Partition(K(k),
        [new PartitionUpdate(Table, K(k), DeletionTime.Live, [], [new Row([1], LivenessInfo.At(ts), DeletionTime.Live, [Cell.Live(0, ts, [(byte)ts])])])])!;

    private static MergedPartitionData? Partition(byte[] key, IEnumerable<PartitionUpdate> updates)
    {
        var token = Murmur3Partitioner.GetToken(key);
        var merged = PartitionMerger.Merge(updates
            .Select(u => new PartitionSnapshot(key, token, u.PartitionDeletion, u.RangeTombstones, u.Rows)).ToList(), reversed: false);
        return merged is null ? null
            : new MergedPartitionData(key, token, merged.PartitionDeletion, merged.RangeTombstones.ToList(), merged.Rows.ToList());
    }

    private static List<MergedPartitionData> InTokenOrder(params MergedPartitionData[] partitions) =>
        [.. partitions.OrderBy(p => p.Token).ThenBy(p => p.Key, ByteArrayComparer.Instance)];

    private static string Describe(RangeReadEffect effect) => effect switch
    {
        RangeReadEffect.Ask a => $"Ask {a.Replica.Endpoint}",
        RangeReadEffect.SendRepair r => $"SendRepair {r.Endpoint} {Convert.ToHexString(r.Repair.PartitionKey)}",
        RangeReadEffect.PartitionRepaired p => $"Repaired {Convert.ToHexString(p.Key)}",
        RangeReadEffect.Answer a => a.Error is null ? $"Answer {a.Partitions.Count}" : $"Answer {a.Error.GetType().Name}",
        _ => effect.ToString()!,
    };

    [Fact]
    public void Start_asks_every_contact_for_data()
    {
        Assert.Equal(["Ask n1", "Ask n2"], Quorum().Start().Select(Describe));
    }

    [Fact]
    public void Equal_answers_are_returned_merged_without_repairs()
    {
        var op = Quorum();
        op.Start();
        var data = InTokenOrder(P(1, 5), P(2, 5));
        Assert.Empty(op.OnResponse("n1", data, null));
        var answer = Assert.IsType<RangeReadEffect.Answer>(Assert.Single(op.OnResponse("n2", data, null)));
        Assert.Null(answer.Error);
        Assert.Null(answer.Cut);
        Assert.Equal(data.Select(p => Convert.ToHexString(p.Key)), answer.Partitions.Select(p => Convert.ToHexString(p.Key)));
        Assert.Empty(op.OnResponse("n1", data, null)); // answered once
    }

    [Fact]
    public void A_failed_contact_is_replaced_by_the_spare()
    {
        var op = Quorum();
        op.Start();
        Assert.Equal(["Ask n3"], op.OnFailure("n2", null).Select(Describe));
        Assert.Empty(op.OnResponse("n1", [], null));
        Assert.Empty(op.OnResponse("n2", [P(1, 9)], null)); // the replaced replica's late answer is ignored
        Assert.Equal(["Answer 0"], op.OnResponse("n3", [], null).Select(Describe));
    }

    [Fact]
    public void With_no_spare_left_the_piece_fails_once_every_replica_asked_answered()
    {
        var op = Quorum();
        op.Start();
        op.OnFailure("n1", null);                        // n3 asked instead
        Assert.Empty(op.OnFailure("n3", "corrupt SSTable")); // no spare left; n2 still open
        var answer = Assert.IsType<RangeReadEffect.Answer>(Assert.Single(op.OnResponse("n2", [], null)));
        var failure = Assert.IsType<ReadFailureException>(answer.Error);
        Assert.Equal(1, failure.Received);
        Assert.Equal("corrupt SSTable", failure.Failures["n3"]);
    }

    [Fact]
    public void Replicas_that_do_not_answer_give_a_timeout_with_the_true_count()
    {
        var op = Quorum();
        op.Start();
        op.OnFailure("n1", null);
        op.OnFailure("n3", null);
        var answer = Assert.IsType<RangeReadEffect.Answer>(Assert.Single(op.OnFailure("n2", null)));
        var timeout = Assert.IsType<ReadTimeoutException>(answer.Error);
        Assert.Equal(0, timeout.Received);
    }

    [Fact]
    public void A_refusal_fails_the_piece_at_once_and_nobody_is_asked_instead()
    {
        var op = Quorum();
        op.Start();
        var refusal = new TombstoneOverwhelmingException("too many tombstones");
        var answer = Assert.IsType<RangeReadEffect.Answer>(Assert.Single(op.OnRefused("n1", refusal)));
        Assert.Same(refusal, answer.Error);
        Assert.True(op.Answered);
        Assert.Empty(op.OnResponse("n2", [], null));
    }

    [Fact]
    public void Answers_are_trimmed_to_the_earliest_cut_and_only_that_span_is_repaired()
    {
        var op = Quorum();
        op.Start();
        var all = InTokenOrder(P(1, 5), P(2, 5), P(3, 5));
        // n1 stopped after the first partition; n2 answered everything but holds an older first partition.
        var cut = new RangePosition(all[0].Token, all[0].Key);
        op.OnResponse("n1", [all[0]], cut);
        var older = P(all[0].Key[0], 1);
        var effects = op.OnResponse("n2", [older, all[1], all[2]], null);
        Assert.Equal([$"SendRepair n2 {Convert.ToHexString(all[0].Key)}", $"Repaired {Convert.ToHexString(all[0].Key)}"],
            effects.Select(Describe));
        var repair = Assert.IsType<RangeReadEffect.SendRepair>(effects[0]);
        var answer = Assert.IsType<RangeReadEffect.Answer>(Assert.Single(op.OnRepairAcked(repair.Id)));
        Assert.Same(cut, answer.Cut);
        Assert.True(SameData(all[0], Assert.Single(answer.Partitions)));
    }

    [Fact]
    public void A_failed_repair_fails_the_piece_once_every_repair_settled()
    {
        var op = Quorum();
        op.Start();
        op.OnResponse("n1", InTokenOrder(P(1, 5), P(2, 5)), null);
        var repairs = op.OnResponse("n2", [], null).OfType<RangeReadEffect.SendRepair>().ToList();
        Assert.Equal(2, repairs.Count);
        var error = new TimeoutException("repair");
        Assert.Empty(op.OnRepairFailed(repairs[0].Id, error));
        var answer = Assert.IsType<RangeReadEffect.Answer>(Assert.Single(op.OnRepairAcked(repairs[1].Id)));
        Assert.Same(error, answer.Error);
    }

    private static readonly Gen<PartitionUpdate[][]> ReplicaHistories = Replicas(2);

    [Fact]
    public void The_answer_is_the_merge_and_after_the_repairs_every_contact_holds_it()
    {
        // Per replica and key 1..3, a history of updates (keys without updates are absent on that replica).
        Gen.Select(ReplicaHistories, ReplicaHistories, ReplicaHistories).Sample((h1, h2, h3) =>
        {
            var histories = new[] { h1, h2, h3 };
            byte[][] keys = [K(1), K(2), K(3)];
            // replica r's data for key k: histories[k][r] re-keyed to k.
            List<MergedPartitionData> Holds(int replica) => InTokenOrder([.. keys
                .Select((key, k) => Partition(key, histories[k][replica].Select(u => Rekey(u, key))))
                .Where(p => p is not null).Select(p => p!)]);

            var op = Quorum();
            op.Start();
            var n1 = Holds(0);
            var n2 = Holds(1);
            Assert.Empty(op.OnResponse("n1", n1, null));
            var effects = op.OnResponse("n2", n2, null).ToList();
            var repairs = effects.OfType<RangeReadEffect.SendRepair>().ToList();
            var answer = effects.OfType<RangeReadEffect.Answer>().SingleOrDefault();
            Assert.True(repairs.Count == 0 == (answer is not null), "answers at once exactly when nothing needs repair");
            foreach (var r in repairs)
            {
                Assert.Null(answer);
                answer = op.OnRepairAcked(r.Id).OfType<RangeReadEffect.Answer>().SingleOrDefault();
            }
            Assert.NotNull(answer);
            Assert.Null(answer!.Error);

            var expected = keys.Select((key, k) => Partition(key, histories[k].Take(2).SelectMany(h => h).Select(u => Rekey(u, key))))
                .Where(p => p is not null).Select(p => p!).ToList();
            Assert.Equal(InTokenOrder([.. expected]).Select(p => Convert.ToHexString(p.Key)), answer.Partitions.Select(p => Convert.ToHexString(p.Key)));
            foreach (var (replica, held) in new[] { ("n1", n1), ("n2", n2) })
            {
                foreach (var p in answer.Partitions)
                {
                    var before = held.FirstOrDefault(h => h.Key.AsSpan().SequenceEqual(p.Key));
                    var updates = new List<PartitionUpdate>();
                    if (before is not null) updates.Add(new PartitionUpdate(Table, p.Key, before.PartitionDeletion, before.RangeTombstones, before.Rows));
                    updates.AddRange(repairs.Where(r => r.Endpoint == replica && r.Repair.PartitionKey.AsSpan().SequenceEqual(p.Key)).Select(r => r.Repair));
                    var after = Partition(p.Key, updates);
                    Assert.True(SameData(p, after), $"{replica} {Convert.ToHexString(p.Key)}: {Show(p)} vs {Show(after)}");
                }
            }
        }, iter: 300);
    }

    private static PartitionUpdate Rekey(PartitionUpdate u, byte[] key) =>
        new(Table, key, u.PartitionDeletion, u.RangeTombstones, u.Rows);
}

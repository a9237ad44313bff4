using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Reads;
using RingStore.Gossip.Ring;
using RingStore.Coordination;
using RingStore.Coordination.Operations;
using RingStore.Storage.Engine;
using static RingStore.Node.Tests.Coordination.PartitionGen;
using static RingStore.Node.Tests.Coordination.Topologies;

namespace RingStore.Node.Tests.Coordination.Operations;

public class ReadOperationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly SliceQuery Query = SliceQuery.WholePartition(Table, Key);
    private static readonly NodeInfo N1 = SimpleReplicas[0], N2 = SimpleReplicas[1], N3 = SimpleReplicas[2];

    private static readonly MergedPartitionData Old = Apply([Write(ts: 1, value: 1)])!;
    private static readonly MergedPartitionData New = Apply([Write(ts: 2, value: 2)])!;

    private static PartitionUpdate Write(long ts, byte value) =>
        new(Table, Key, DeletionTime.Live, [], [new Row([1], LivenessInfo.At(ts), DeletionTime.Live, [Cell.Live(0, ts, [value])])]);

    /// <summary>QUORUM over n1, n2, n3 in that latency order: data from n1, a digest from n2, n3 spare.</summary>
    private static ReadOperation Quorum(TimeSpan? speculateAfter = null)
    {
        var order = new Dictionary<string, double> { ["n1"] = 1, ["n2"] = 2, ["n3"] = 3 };
        var plan = ReplicaPlanner.PlanRead(SimpleReplicas, _ => true, ConsistencyLevel.Quorum, Simple3, "dc1", e => order[e], "elsewhere");
        return new ReadOperation(plan, Query, NowSeconds, Timeout, speculateAfter);
    }

    [Fact]
    public void Start_asks_the_best_replica_for_data_and_the_next_for_a_digest_and_arms_the_timers()
    {
        var op = Quorum(TimeSpan.FromMilliseconds(5));
        Assert.Equal(["Ask n1 data", "Ask n2 digest", "ArmSpeculation 00:00:01.0050000", "ArmTimeout 00:00:03"],
            op.Start(TimeSpan.FromSeconds(1)).Select(Describe));
    }

    [Fact]
    public void Equal_digests_answer_from_the_data()
    {
        var op = Quorum();
        op.Start(TimeSpan.Zero);
        Assert.Empty(op.OnResponse(N1, ReadResponseMessage.ForData(New)));
        var answer = Assert.IsType<ReadEffect.Answer>(Assert.Single(op.OnResponse(N2, ReadResponseMessage.ForDigest(New))));
        Assert.Null(answer.Error);
        Assert.Single(answer.Rows);
        Assert.Empty(op.OnTimeout());                     // answered once
    }

    [Fact]
    public void A_mismatch_fetches_data_repairs_the_stale_replica_and_answers_only_after_its_ack()
    {
        var op = Quorum();
        op.Start(TimeSpan.Zero);
        op.OnResponse(N1, ReadResponseMessage.ForData(New));
        Assert.Equal(["DigestMismatch", "FetchData n2"], op.OnResponse(N2, ReadResponseMessage.ForDigest(Old)).Select(Describe));
        Assert.Equal(["SendRepair n2"], op.OnDataFetched(new ReplicaReadResponse("n2", Old)).Select(Describe));
        var answer = Assert.IsType<ReadEffect.Answer>(Assert.Single(op.OnRepairAcked("n2")));
        Assert.Null(answer.Error);
        Assert.Equal([2], answer.Rows.Single().Cells.Single().Value!);
    }

    [Fact]
    public void A_failed_repair_is_stood_in_for_by_a_replica_that_took_no_part_and_without_one_the_read_times_out()
    {
        var op = Quorum();
        op.Start(TimeSpan.Zero);
        op.OnResponse(N1, ReadResponseMessage.ForData(New));
        op.OnResponse(N2, ReadResponseMessage.ForDigest(Old));
        op.OnDataFetched(new ReplicaReadResponse("n2", Old));
        Assert.Equal(["SendRepair n3"], op.OnRepairFailed("n2").Select(Describe));
        Assert.IsType<ReadTimeoutException>(Assert.IsType<ReadEffect.Answer>(Assert.Single(op.OnRepairFailed("n3"))).Error);
    }

    [Fact]
    public void A_failed_replica_is_replaced_at_once_and_a_refusing_one_is_not()
    {
        var op = Quorum();
        op.Start(TimeSpan.Zero);
        Assert.Equal(["Ask n3 data"], op.OnFailure("n2", null).Select(Describe));
        op.OnResponse(N1, ReadResponseMessage.ForData(New));
        Assert.Null(Assert.IsType<ReadEffect.Answer>(Assert.Single(op.OnResponse(N3, ReadResponseMessage.ForData(New)))).Error);

        var refused = Quorum();
        refused.Start(TimeSpan.Zero);
        Assert.Empty(refused.OnRefused("n2", "too many tombstones in ks.t partition 000102"));
        var failure = Assert.IsType<ReadFailureException>(Assert.IsType<ReadEffect.Answer>(Assert.Single(refused.OnResponse(N1, ReadResponseMessage.ForData(New)))).Error);
        Assert.Contains("too many tombstones", failure.Failures["n2"], StringComparison.Ordinal);
    }

    [Fact]
    public void Speculation_asks_one_more_replica_for_data_only_while_the_round_is_open()
    {
        var op = Quorum(TimeSpan.FromMilliseconds(5));
        op.Start(TimeSpan.Zero);
        Assert.Equal(["SpeculatedRetry n3", "Ask n3 data"], op.OnSpeculationDue().Select(Describe));
        Assert.Empty(op.OnSpeculationDue());              // nobody left

        var done = Quorum(TimeSpan.FromMilliseconds(5));
        done.Start(TimeSpan.Zero);
        done.OnResponse(N1, ReadResponseMessage.ForData(New));
        done.OnResponse(N2, ReadResponseMessage.ForDigest(New));
        Assert.Empty(done.OnSpeculationDue());
    }

    [Fact]
    public void A_data_fetch_answered_with_an_error_is_a_ReadFailure_and_the_deadline_a_ReadTimeout()
    {
        var op = Quorum();
        op.Start(TimeSpan.Zero);
        op.OnResponse(N1, ReadResponseMessage.ForData(New));
        op.OnResponse(N2, ReadResponseMessage.ForDigest(Old));
        var failure = Assert.IsType<ReadFailureException>(Assert.IsType<ReadEffect.Answer>(Assert.Single(op.OnFetchFailed("n2", "CorruptSSTableException: checksum"))).Error);
        Assert.Equal("CorruptSSTableException: checksum", failure.Failures["n2"]);

        var slow = Quorum();
        slow.Start(TimeSpan.Zero);
        slow.OnResponse(N2, ReadResponseMessage.ForDigest(New));
        var timeout = Assert.IsType<ReadTimeoutException>(Assert.IsType<ReadEffect.Answer>(Assert.Single(slow.OnTimeout())).Error);
        Assert.Equal(1, timeout.Received);
        Assert.False(timeout.DataPresent);
    }

    private static string Describe(ReadEffect effect) => effect switch
    {
        ReadEffect.Ask a => $"Ask {a.Replica.Endpoint} {(a.DigestOnly ? "digest" : "data")}",
        ReadEffect.FetchData f => $"FetchData {f.Replica.Endpoint}",
        ReadEffect.SendRepair r => $"SendRepair {r.Endpoint}",
        ReadEffect.ArmSpeculation s => $"ArmSpeculation {s.At}",
        ReadEffect.ArmTimeout t => $"ArmTimeout {t.At}",
        ReadEffect.SpeculatedRetry s => $"SpeculatedRetry {s.Replica.Endpoint}",
        ReadEffect.DigestMismatch => "DigestMismatch",
        ReadEffect.Answer a => a.Error is null ? "Answer ok" : $"Answer {a.Error.GetType().Name}",
        _ => effect.ToString()!,
    };
}

using RingStore.Core.Consistency;
using RingStore.Coordination;
using static RingStore.Node.Tests.Coordination.Topologies;

namespace RingStore.Node.Tests.Coordination;

public class ReadResponseTrackerTests
{
    private static ReadPlan QuorumPlan() =>
        ReplicaPlanner.PlanRead(SimpleReplicas, _ => true, ConsistencyLevel.Quorum, Simple3, "dc1", e => e == "n1" ? 0 : e == "n2" ? 1 : 2);

    [Fact]
    public void Needs_block_for_responses_including_data()
    {
        var t = new ReadResponseTracker(QuorumPlan());
        Assert.True(t.RecordResponse("n2", isData: false));
        Assert.False(t.IsSatisfied);
        Assert.False(t.RecordResponse("n3", isData: false));      // not asked
        t.RecordResponse("n1", isData: true);
        Assert.True(t.IsSatisfied);
    }

    [Fact]
    public void Losing_the_data_replica_fails_unless_a_speculative_data_request_is_out()
    {
        var t = new ReadResponseTracker(QuorumPlan());
        t.RecordResponse("n2", isData: false);
        t.RecordFailure("n1");
        Assert.True(t.IsFailed);
        Assert.False(t.ToTimeoutException().DataPresent);

        var s = new ReadResponseTracker(QuorumPlan());
        s.RecordResponse("n2", isData: false);
        Assert.True(s.RecordContacted("n3", forData: true));
        s.RecordFailure("n1");
        Assert.False(s.IsFailed);
        s.RecordResponse("n3", isData: true);
        Assert.True(s.IsSatisfied);
    }

    [Fact]
    public void Speculative_digest_can_stand_in_for_a_slow_digest_replica()
    {
        var t = new ReadResponseTracker(QuorumPlan());
        t.RecordResponse("n1", isData: true);
        t.RecordContacted("n3", forData: false);
        t.RecordResponse("n3", isData: false);
        Assert.True(t.IsSatisfied);
        Assert.Equal(["n2"], t.Outstanding.Select(n => n.Endpoint));
    }
}

public class ReadResponseTrackerFailureTests
{
    private static ReadPlan AllPlan() =>
        ReplicaPlanner.PlanRead(SimpleReplicas, _ => true, ConsistencyLevel.All, Simple3, "dc1", e => e == "n1" ? 0 : e == "n2" ? 1 : 2);

    [Fact]
    public void A_replica_answering_with_an_error_makes_a_ReadFailure_with_the_answers_and_its_reason_and_silence_stays_a_timeout()
    {
        var t = new ReadResponseTracker(AllPlan());
        t.RecordResponse("n1", isData: true);
        t.RecordFailure("n2", "CorruptSSTableException: checksum mismatch");
        Assert.True(t.IsFailed);
        Assert.Equal(["n3"], t.Outstanding.Select(n => n.Endpoint));
        t.RecordResponse("n3", isData: false);
        var failure = Assert.IsType<RingStore.Core.Errors.ReadFailureException>(t.ToFailure());
        Assert.Equal(2, failure.Received);
        Assert.Equal(3, failure.BlockFor);
        Assert.True(failure.DataPresent);
        Assert.Equal("CorruptSSTableException: checksum mismatch", failure.Failures["n2"]);
        Assert.Contains("n2: CorruptSSTableException: checksum mismatch", failure.Message, StringComparison.Ordinal);

        var silent = new ReadResponseTracker(AllPlan());
        silent.RecordResponse("n1", isData: true);
        silent.RecordFailure("n2");
        var timeout = Assert.IsType<RingStore.Core.Errors.ReadTimeoutException>(silent.ToFailure());
        Assert.Equal(1, timeout.Received);
    }
}

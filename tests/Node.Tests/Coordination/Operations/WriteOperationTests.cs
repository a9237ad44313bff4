using CsCheck;
using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Gossip.Ring;
using RingStore.Coordination;
using RingStore.Coordination.Operations;
using static RingStore.Node.Tests.Coordination.Topologies;

namespace RingStore.Node.Tests.Coordination.Operations;

public class WriteOperationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private static WriteOperation Quorum(string local = "n1", Func<string, bool>? alive = null, ConsistencyLevel cl = ConsistencyLevel.Quorum, bool waitForLocal = false)
    {
        var plan = ReplicaPlanner.PlanWrite(SimpleReplicas, [], alive ?? (_ => true), cl, Simple3, "dc1");
        return new WriteOperation(plan, local, waitForLocal, Timeout);
    }

    [Fact]
    public void Start_applies_locally_sends_to_the_others_hints_the_down_ones_and_arms_the_timer()
    {
        var op = Quorum(alive: e => e != "n3");
        var effects = op.Start(TimeSpan.FromSeconds(10));
        Assert.Equal(
            ["StoreHint n3", "ApplyLocally n1", "SendMutation n2", "ArmTimeout 00:00:12"],
            effects.Select(Describe));
        Assert.False(op.Answered);
    }

    [Fact]
    public void Quorum_answers_on_the_second_ack_once_and_a_late_failure_is_still_hinted()
    {
        var op = Quorum();
        op.Start(TimeSpan.Zero);
        Assert.Empty(op.OnAck("n1"));
        Assert.Empty(op.OnAck("n1"));                    // a duplicate counts once
        Assert.Equal(["Answer ok"], op.OnAck("n2").Select(Describe));
        Assert.Equal(["StoreHint n3"], op.OnFailure("n3", null).Select(Describe)); // after the answer: still hinted
        Assert.Empty(op.OnHintResult("n3", stored: true));
        Assert.Empty(op.OnTimeout());
        Assert.Null(op.Error);
    }

    [Fact]
    public void Two_failures_at_quorum_answer_once_every_target_answered_with_a_WriteFailure_naming_the_error()
    {
        var op = Quorum();
        op.Start(TimeSpan.Zero);
        Assert.Equal(["StoreHint n2"], op.OnFailure("n2", "IOException: No space left on device").Select(Describe));
        Assert.Empty(op.OnHintResult("n2", stored: true));
        Assert.Equal(["StoreHint n3"], op.OnFailure("n3", null).Select(Describe));
        Assert.Empty(op.OnHintResult("n3", stored: false)); // level lost, but n1 has not answered yet: counts stay true
        var answer = Assert.Single(op.OnAck("n1"));
        var failure = Assert.IsType<WriteFailureException>(Assert.IsType<WriteEffect.Answer>(answer).Error);
        Assert.Equal(1, failure.Received);
        Assert.Equal("IOException: No space left on device", failure.Failures["n2"]);
    }

    [Fact]
    public void The_timeout_answers_with_the_acks_so_far()
    {
        var op = Quorum();
        op.Start(TimeSpan.Zero);
        op.OnAck("n3");
        var timeout = Assert.IsType<WriteTimeoutException>(Assert.IsType<WriteEffect.Answer>(Assert.Single(op.OnTimeout())).Error);
        Assert.Equal(1, timeout.Received);
        Assert.Equal(2, timeout.BlockFor);
    }

    [Fact]
    public void A_one_write_through_a_replica_waits_for_the_local_copy()
    {
        var op = Quorum(cl: ConsistencyLevel.One, waitForLocal: true);
        op.Start(TimeSpan.Zero);
        Assert.Empty(op.OnAck("n2"));                     // level met, local copy not yet applied
        Assert.Equal(["Answer ok"], op.OnAck("n1").Select(Describe));

        var failedLocally = Quorum(cl: ConsistencyLevel.One, waitForLocal: true);
        failedLocally.Start(TimeSpan.Zero);
        failedLocally.OnAck("n2");
        // The local engine failed: no hint to itself, and the write answers on the remote ack it already has.
        Assert.Equal(["Answer ok"], failedLocally.OnFailure("n1", "IOException: disk").Select(Describe));
    }

    [Fact]
    public void Any_counts_a_stored_hint_and_fails_only_when_no_hint_was_stored()
    {
        var hinted = Quorum(alive: _ => false, cl: ConsistencyLevel.Any);
        Assert.Equal(["StoreHint n1", "StoreHint n2", "StoreHint n3", "ArmTimeout 00:00:02"], hinted.Start(TimeSpan.Zero).Select(Describe));
        Assert.Equal(["Answer ok"], hinted.OnHintResult("n2", stored: true).Select(Describe));

        var remoteFailsBeforeItsHint = Quorum(local: "other", cl: ConsistencyLevel.Any);
        remoteFailsBeforeItsHint.Start(TimeSpan.Zero);
        remoteFailsBeforeItsHint.OnFailure("n1", null);
        remoteFailsBeforeItsHint.OnFailure("n2", null);
        remoteFailsBeforeItsHint.OnFailure("n3", null);
        Assert.Empty(remoteFailsBeforeItsHint.OnHintResult("n1", stored: false));
        Assert.Empty(remoteFailsBeforeItsHint.OnHintResult("n2", stored: false));
        Assert.Equal(["Answer ok"], remoteFailsBeforeItsHint.OnHintResult("n3", stored: true).Select(Describe)); // not failed early
    }

    /// <summary>
    /// Any order of acks, failures, hint results and the timeout: the client is answered exactly once; success only
    /// with blockFor acks (and the local copy, when waited for); every target that failed got exactly one hint
    /// attempt; nothing is sent to this node or applied on another.
    /// </summary>
    [Fact]
    public void Any_order_of_events_answers_once_and_only_with_enough_acks()
    {
        var gen =
            from cl in Gen.OneOf(ConsistencyLevel.One, ConsistencyLevel.Quorum, ConsistencyLevel.All, ConsistencyLevel.Any)
            from alive in Gen.Bool.Array[3]
            from local in Gen.OneOf("n1", "n2", "n3", "coordinator-only")
            from outcomes in Gen.Int[0, 2].Array[3]           // per replica: 0 ack, 1 error answer, 2 silent failure
            from hintStored in Gen.Bool.Array[3]
            from order in Gen.Int[0, 1000].Array[8]
            from timeoutAt in Gen.Int[0, 8]
            select (cl, alive, local, outcomes, hintStored, order, timeoutAt);
        gen.Sample(t =>
        {
            var (cl, alive, local, outcomes, hintStored, order, timeoutAt) = t;
            var up = SimpleReplicas.Where((n, i) => alive[i]).Select(n => n.Endpoint).ToHashSet();
            WritePlan plan;
            try
            {
                plan = ReplicaPlanner.PlanWrite(SimpleReplicas, [], up.Contains, cl, Simple3, "dc1");
            }
            catch (UnavailableException)
            {
                return; // never started: nothing to check
            }
            bool waitForLocal = cl == ConsistencyLevel.One;
            var op = new WriteOperation(plan, local, waitForLocal, Timeout);

            var pending = new List<Func<IReadOnlyList<WriteEffect>>>();
            var answers = new List<WriteEffect.Answer>();
            var hintsAsked = new List<string>();
            int acked = 0;
            bool localApplied = false;
            void Take(IReadOnlyList<WriteEffect> effects)
            {
                foreach (var e in effects)
                {
                    int i = e switch { WriteEffect.StoreHint h => Index(h.Replica), WriteEffect.ApplyLocally a => Index(a.Replica), WriteEffect.SendMutation s => Index(s.Replica), _ => -1 };
                    switch (e)
                    {
                        case WriteEffect.Answer a: answers.Add(a); if (a.Error is null) Assert.True(SuccessAllowed(cl, acked, plan, localApplied || !waitForLocal || !plan.Targets.Any(x => x.Endpoint == local), HintsStored(hintsAsked, hintStored))); break;
                        case WriteEffect.StoreHint h: hintsAsked.Add(h.Replica.Endpoint); pending.Add(() => op.OnHintResult(h.Replica.Endpoint, hintStored[i])); break;
                        case WriteEffect.ApplyLocally a:
                            Assert.Equal(local, a.Replica.Endpoint);
                            pending.Add(() => { if (outcomes[i] == 0) { acked++; localApplied = true; return op.OnAck(local); } localApplied = true; return op.OnFailure(local, "IOException"); });
                            break;
                        case WriteEffect.SendMutation s:
                            Assert.NotEqual(local, s.Replica.Endpoint);
                            pending.Add(() => outcomes[i] == 0 ? Ack(s.Replica.Endpoint) : op.OnFailure(s.Replica.Endpoint, outcomes[i] == 1 ? "IOException" : null));
                            break;
                    }
                }
            }
            IReadOnlyList<WriteEffect> Ack(string endpoint) { acked++; return op.OnAck(endpoint); }

            Take(op.Start(TimeSpan.Zero));
            for (int step = 0; pending.Count > 0 && step < 100; step++)
            {
                if (step == timeoutAt) Take(op.OnTimeout());
                int pick = order[step % order.Length] % pending.Count;
                var next = pending[pick];
                pending.RemoveAt(pick);
                Take(next());
            }
            Take(op.OnTimeout());

            Assert.Single(answers);
            var failedRemote = plan.Targets.Where((r, _) => r.Endpoint != local && outcomes[Index(r)] != 0).Select(r => r.Endpoint);
            var expectedHints = plan.Down.Select(r => r.Endpoint).Concat(failedRemote).OrderBy(e => e).ToList();
            Assert.Equal(expectedHints, hintsAsked.OrderBy(e => e).ToList());
        }, iter: 3000);
    }

    private static int HintsStored(List<string> asked, bool[] stored) => asked.Distinct().Count(e => stored[Index(new NodeInfo(e))]);

    private static bool SuccessAllowed(ConsistencyLevel cl, int acked, WritePlan plan, bool localDone, int hintsStored) =>
        cl == ConsistencyLevel.Any ? acked + hintsStored >= 1 : acked >= plan.BlockFor && localDone;

    private static int Index(NodeInfo replica) => replica.Endpoint switch { "n1" => 0, "n2" => 1, "n3" => 2, _ => throw new ArgumentException(replica.Endpoint) };

    private static string Describe(WriteEffect effect) => effect switch
    {
        WriteEffect.StoreHint h => $"StoreHint {h.Replica.Endpoint}",
        WriteEffect.ApplyLocally a => $"ApplyLocally {a.Replica.Endpoint}",
        WriteEffect.SendMutation s => $"SendMutation {s.Replica.Endpoint}",
        WriteEffect.ArmTimeout t => $"ArmTimeout {t.At}",
        WriteEffect.Answer { Error: null } => "Answer ok",
        WriteEffect.Answer a => $"Answer {a.Error!.GetType().Name}",
        _ => effect.ToString()!,
    };
}

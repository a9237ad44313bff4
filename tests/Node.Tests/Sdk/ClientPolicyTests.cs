using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using RingStore.Client;
using RingStore.Client.Policies;
using RingStore.Core.Errors;

namespace RingStore.Node.Tests.Sdk;

/// <summary>The SDK's pure policies: latency-aware order, suspicion, the speculative delay and the final error.</summary>
public sealed class ClientPolicyTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void A_node_many_times_slower_than_the_best_goes_after_the_others_and_is_retried_after_the_retry_period()
    {
        var health = new NodeHealth(new LatencyAwareOptions { MinimumSamples = 5 });
        var now = TimeSpan.Zero;
        for (int i = 0; i < 20; i++)
        {
            now += 10 * Ms;
            health.RecordLatency("a", 2 * Ms, now);
            health.RecordLatency("b", 3 * Ms, now);
            health.RecordLatency("c", 40 * Ms, now);
        }
        Assert.Equal(["a", "b", "c"], health.Order(["c", "a", "b"], n => n, now));
        // No news from c for the retry period: it takes its normal place again, so one request finds out if it recovered.
        now += new LatencyAwareOptions().RetryPeriod;
        health.RecordLatency("a", 2 * Ms, now);
        health.RecordLatency("b", 3 * Ms, now);
        Assert.Equal(["c", "a", "b"], health.Order(["c", "a", "b"], n => n, now));
    }

    [Fact]
    public void A_node_that_missed_a_deadline_is_suspected_until_it_answers_again()
    {
        var health = new NodeHealth(new LatencyAwareOptions());
        var now = TimeSpan.FromSeconds(1);
        health.MarkMissedDeadline("a", now);
        Assert.True(health.IsSuspected("a", now));
        Assert.Equal(["b", "c", "a"], health.Order(["a", "b", "c"], n => n, now));
        health.RecordLatency("a", 5 * Ms, now + Ms);
        Assert.False(health.IsSuspected("a", now + Ms));
        Assert.Equal(["a", "b", "c"], health.Order(["a", "b", "c"], n => n, now + Ms));
    }

    [Fact]
    public void Overtaken_attempts_raise_a_frozen_nodes_average_although_it_never_answers()
    {
        var health = new NodeHealth(new LatencyAwareOptions { MinimumSamples = 5 });
        var now = TimeSpan.Zero;
        for (int i = 0; i < 50; i++)
        {
            now += Ms;
            health.RecordLatency("a", 1 * Ms, now);
            health.RecordLatency("b", 1 * Ms, now);
        }
        int overtaken = 0;
        while (health.Order(["b", "a"], n => n, now)[0] == "b")
        {
            now += Ms;
            health.RecordOvertaken("b", 20 * Ms, now);
            health.RecordLatency("a", 1 * Ms, now);
            overtaken++;
            Assert.True(overtaken < 100, "a node that never answers was still first after 100 overtaken attempts");
        }
    }

    [Fact]
    public void Speculative_delay_is_the_p99_of_recent_latencies_within_bounds()
    {
        var options = new SpeculativeExecutionOptions();
        var recent = new RecentLatencies();
        Assert.Equal(options.InitialDelay, options.DelayFor(recent));
        for (int i = 1; i <= 1000; i++) recent.Add(TimeSpan.FromMilliseconds(i % 100 == 0 ? 200 : 10));
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.DelayFor(recent)); // 1 % at 200 ms: the p99 is still 10 ms
        for (int i = 1; i <= 1000; i++) recent.Add(TimeSpan.FromMilliseconds(i % 50 == 0 ? 200 : 10));
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.DelayFor(recent));
        for (int i = 1; i <= RecentLatencies.Capacity + 64; i++) recent.Add(TimeSpan.FromMilliseconds(0.5));
        Assert.Equal(options.MinimumDelay, options.DelayFor(recent));
        Assert.Equal(TimeSpan.FromMilliseconds(42), (options with { Delay = TimeSpan.FromMilliseconds(42) }).DelayFor(recent));
    }

    private static RingStoreException Unavailable(int required, int alive) =>
        new("Cannot achieve consistency level QUORUM", RequestErrorKind.Unavailable, StatusCode.Unavailable) { Required = required, Alive = alive };

    private static readonly RingStoreException Refused = new("Unavailable: connection refused", RequestErrorKind.Unknown, StatusCode.Unavailable);

    private static readonly RingStoreException Reset = new("Unavailable: connection reset", RequestErrorKind.Unknown, StatusCode.Unavailable);

    [Fact]
    public void Every_attempt_definitely_wrote_nothing_so_the_error_is_a_definite_Unavailable_with_the_first_counts()
    {
        var error = AttemptVerdict.Final(
        [
            (new RequestAttempt("n1", AttemptOutcome.Unavailable), Unavailable(2, 1)),
            (new RequestAttempt("n2", AttemptOutcome.RefusedBeforeSending), Refused),
            (new RequestAttempt("n3", AttemptOutcome.Unavailable), Unavailable(3, 0)),
        ], RequestErrorKind.WriteTimeout);
        Assert.Equal(RequestErrorKind.Unavailable, error.Kind);
        Assert.False(error.IsTransportFailure);
        Assert.Equal((2, 1), (error.Required, error.Alive));
        Assert.Equal(["n1", "n2", "n3"], error.Attempts.Select(a => a.Node));
        Assert.Contains("n2: RefusedBeforeSending", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_attempt_that_may_have_been_applied_makes_the_error_unknown()
    {
        var error = AttemptVerdict.Final(
        [
            (new RequestAttempt("n1", AttemptOutcome.Unavailable), Unavailable(2, 1)),
            (new RequestAttempt("n2", AttemptOutcome.TransportFailure), Reset),
        ], RequestErrorKind.WriteTimeout);
        Assert.Equal(RequestErrorKind.WriteTimeout, error.Kind);
        Assert.Equal([AttemptOutcome.Unavailable, AttemptOutcome.TransportFailure], error.Attempts.Select(a => a.Outcome));
    }

    [Fact]
    public void A_single_definite_answer_keeps_its_kind_and_message()
    {
        var invalid = new RingStoreException("unknown table ks.nope", RequestErrorKind.InvalidRequest, StatusCode.InvalidArgument);
        var error = AttemptVerdict.Final([(new RequestAttempt("n1", AttemptOutcome.Failed), invalid)], RequestErrorKind.WriteTimeout);
        Assert.Equal(RequestErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(invalid.Message, error.Message);
        Assert.Single(error.Attempts);
    }

    [Fact]
    public void A_refused_connection_is_told_apart_from_a_reset_one()
    {
        var refused = new Grpc.Core.RpcException(new Status(StatusCode.Unavailable, "x",
            new System.Net.Http.HttpRequestException(System.Net.Http.HttpRequestError.ConnectionError, "refused",
                new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused))));
        var reset = new Grpc.Core.RpcException(new Status(StatusCode.Unavailable, "x",
            new IOException("reset", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset))));
        Assert.Equal(AttemptOutcome.RefusedBeforeSending, AttemptVerdict.Classify(RingStoreException.From(refused)));
        Assert.Equal(AttemptOutcome.TransportFailure, AttemptVerdict.Classify(RingStoreException.From(reset)));
    }
}

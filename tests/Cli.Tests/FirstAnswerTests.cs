using RingStore.Cli.Cluster;

namespace RingStore.Cli.Tests;

/// <summary>The status-like commands ask every node at once, each call with its own short deadline.</summary>
public sealed class FirstAnswerTests
{
    [Fact]
    public async Task A_hung_first_node_does_not_delay_the_answer_of_a_live_one_and_every_call_gets_the_short_deadline()
    {
        var now = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        var deadlines = new List<(string Endpoint, DateTime Deadline)>();
        var hungCancelled = new TaskCompletionSource();
        var liveMayAnswer = new TaskCompletionSource();
        int started = 0;
        var outcome = await FirstAnswer.AskAsync(["hung:1", "dead:2", "live:3"], TimeSpan.FromMilliseconds(1000), async (endpoint, deadline, ct) =>
        {
            deadlines.Add((endpoint, deadline));
            if (Interlocked.Increment(ref started) == 3) liveMayAnswer.SetResult();
            switch (endpoint)
            {
                case "hung:1":
                    // Never answers: it only ends when the command cancels it.
                    try
                    {
                        await Task.Delay(Timeout.Infinite, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        hungCancelled.SetResult();
                        throw;
                    }
                    return "never";
                case "dead:2":
                    throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, "refused"));
                default:
                    // Answers only once every call was started: the calls run in parallel, not one after the other.
                    await liveMayAnswer.Task;
                    return "answer";
            }
        }, () => now);

        Assert.Equal("answer", outcome.Answer);
        Assert.Equal("live:3", outcome.AnsweredBy);
        Assert.Equal(["hung:1", "dead:2", "live:3"], deadlines.Select(d => d.Endpoint));
        Assert.All(deadlines, d => Assert.Equal(now.AddMilliseconds(1000), d.Deadline));
        Assert.Contains(outcome.Failures, f => f.StartsWith("dead:2", StringComparison.Ordinal));
        await hungCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task No_answer_reports_every_node_failure()
    {
        var outcome = await FirstAnswer.AskAsync<string>(["a:1", "b:2"], TimeSpan.FromMilliseconds(50), (endpoint, _, _) =>
            Task.FromException<string>(new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.DeadlineExceeded, ""))));
        Assert.Null(outcome.Answer);
        Assert.Equal(["a:1: no answer before the deadline", "b:2: no answer before the deadline"], outcome.Failures);
    }
}

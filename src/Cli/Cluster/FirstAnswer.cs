namespace RingStore.Cli.Cluster;

/// <summary>
/// Asks every contact point at once, each call bounded by its own deadline, and takes the first answer: a node that is
/// down (refused) or hung (no answer) costs at most the deadline and never delays the answer of a live node. The calls
/// still running when one answers are cancelled.
/// </summary>
public static class FirstAnswer
{
    /// <summary>The default per-node deadline of the status-like commands.</summary>
    // 5 s: the first answer wins, so a hung node never delays a live one; the deadline only bounds "every node is hung",
    // and 1 s was too short for a live node on a loaded machine (a fresh connection plus the call).
    public static readonly TimeSpan DefaultNodeTimeout = TimeSpan.FromMilliseconds(5000);

    /// <summary>What each node did: answered, failed (with why), or was cancelled once another answered.</summary>
    public sealed record Outcome<T>(T? Answer, string AnsweredBy, IReadOnlyList<string> Failures) where T : class;

    /// <param name="call">One call to one node: the endpoint, its deadline (UTC) and a token cancelled once another node answered.</param>
    /// <param name="clock">UTC now (tests).</param>
    public static async Task<Outcome<T>> AskAsync<T>(IReadOnlyList<string> endpoints, TimeSpan nodeTimeout,
        Func<string, DateTime, CancellationToken, Task<T>> call, Func<DateTime>? clock = null) where T : class
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(call);
        if (endpoints.Count == 0) return new Outcome<T>(null, "", ["no node to ask"]);
        clock ??= () => DateTime.UtcNow;
        using var stop = new CancellationTokenSource();
        var pending = new Dictionary<Task<T>, string>();
        foreach (string endpoint in endpoints)
        {
            DateTime deadline = clock() + nodeTimeout;
            Task<T> task;
            try
            {
                task = call(endpoint, deadline, stop.Token);
            }
#pragma warning disable CA1031 // a node's failure is reported, never thrown: another node may answer
            catch (Exception e)
#pragma warning restore CA1031
            {
                task = Task.FromException<T>(e);
            }
            pending[task] = endpoint;
        }
        var failures = new List<string>();
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending.Keys).ConfigureAwait(false);
            string endpoint = pending[done];
            pending.Remove(done);
            if (done.IsCompletedSuccessfully)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                return new Outcome<T>(done.Result, endpoint, failures);
            }
            failures.Add($"{endpoint}: {Describe(done.Exception?.GetBaseException())}");
        }
        return new Outcome<T>(null, "", failures);
    }

    private static string Describe(Exception? e) => e switch
    {
        Grpc.Core.RpcException rpc when rpc.StatusCode == Grpc.Core.StatusCode.DeadlineExceeded => "no answer before the deadline",
        Grpc.Core.RpcException rpc => rpc.StatusCode.ToString(),
        null => "cancelled",
        _ => e.Message,
    };
}

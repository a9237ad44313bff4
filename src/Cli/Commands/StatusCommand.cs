using System.Globalization;
using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;

namespace RingStore.Cli.Commands;

/// <summary><c>ringstore status [--host h:p] [--dir D] [--node-timeout MS] [keyspace]</c> and <c>ringstore ring [--host h:p] [--dir D]</c>.</summary>
public static class StatusCommand
{
    private static readonly string[] ValueOptions = ["--host", "--dir", "--node-timeout"];

    public static async Task<int> StatusAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        if (args.Positionals.Count > 1) throw new UsageException("status takes at most one keyspace");
        string? keyspace = args.Positionals.Count == 1 ? args.Positionals[0] : null;
        var outcome = await AskAnyNodeAsync(args,
            (api, deadline, ct) => api.StatusAsync(new StatusRequest { Keyspace = keyspace ?? "" }, deadline: deadline, cancellationToken: ct).ResponseAsync);
        Console.Write(StatusFormatter.Format(outcome.Answer!, keyspace is not null));
        return 0;
    }

    /// <summary>
    /// Every contact point at once, each bounded by <c>--node-timeout MS</c> (default 5000): the first node that answers
    /// answers for the cluster, so a node that is down or hung never delays the command by more than that.
    /// </summary>
    /// <exception cref="CommandFailedException">No node answered.</exception>
    public static async Task<FirstAnswer.Outcome<T>> AskAnyNodeAsync<T>(CliArguments args,
        Func<RingStoreApi.RingStoreApiClient, DateTime, CancellationToken, Task<T>> call) where T : class
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(call);
        var timeout = TimeSpan.FromMilliseconds(args.GetInt("--node-timeout", (int)FirstAnswer.DefaultNodeTimeout.TotalMilliseconds, 50, 600_000));
        var channels = new List<NodeRpc>();
        try
        {
            var outcome = await FirstAnswer.AskAsync(ClusterAddress.ContactPoints(args), timeout, (endpoint, deadline, ct) =>
            {
                var rpc = new NodeRpc(endpoint);
                channels.Add(rpc);
                return call(rpc.Api, deadline, ct);
            });
            if (outcome.Answer is null)
            {
                throw new CommandFailedException(string.Create(CultureInfo.InvariantCulture,
                    $"no node answered within {timeout.TotalMilliseconds:0} ms ({string.Join(", ", outcome.Failures)}); is the cluster up? (ringstore up)"));
            }
            return outcome;
        }
        finally
        {
            foreach (var rpc in channels) rpc.Dispose();
        }
    }

    public static async Task<int> RingAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        if (args.Positionals.Count > 0) throw new UsageException($"unexpected argument '{args.Positionals[0]}'");
        var outcome = await AskAnyNodeAsync(args,
            (api, deadline, ct) => api.DescribeRingAsync(new DescribeRingRequest(), deadline: deadline, cancellationToken: ct).ResponseAsync);
        Console.Write(RingFormatter.Format(outcome.Answer!));
        return 0;
    }
}

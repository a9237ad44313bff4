using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;

namespace RingStore.Cli.Commands;

/// <summary><c>ringstore down [--dir D] [--timeout S]</c>: stops the local cluster's node processes (data is kept).</summary>
public static class DownCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ["--dir", "--timeout"], []);
        if (args.Positionals.Count > 0) throw new UsageException($"unexpected argument '{args.Positionals[0]}'");
        string dir = ClusterAddress.Directory(args);
        int? stopped = await ClusterStopper.StopAsync(dir, TimeSpan.FromSeconds(args.GetInt("--timeout", 30, 1, 3600)), Console.Error);
        if (stopped is null)
        {
            await Console.Error.WriteLineAsync($"error: no cluster in {dir} (no {RingStore.LocalCluster.LocalCluster.StateFileName})");
            return 1;
        }
        Console.WriteLine(stopped == 0 ? $"No node of the cluster in {dir} was running." : $"Stopped {stopped} nodes; the data stays in {dir}.");
        return 0;
    }
}

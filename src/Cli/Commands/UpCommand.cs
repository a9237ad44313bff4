using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Shell;
using RingStore.Cli.Tools;
using RingStore.Client;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore up [--nodes 3] [--rf 3] [--detach] [--dir D] [--base-port P] [--grpc-port P] [--no-sample]</c>:
/// starts (or restarts, or reuses) the local cluster, prints its status, puts the sample time series on it and opens
/// the shell. <c>--detach</c> returns once the cluster is up. Without a terminal (and as <c>ringstore demo</c>) it
/// runs the sample queries instead of the shell and stops the nodes it started, so it never waits for input.
/// </summary>
public static class UpCommand
{
    private static readonly string[] ValueOptions = ["--nodes", "--rf", "--dir", "--base-port", "--grpc-port", "--timeout"];
    private static readonly string[] Flags = ["--detach", "--no-sample", "--tls"];

    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs, bool demo)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, Flags);
        if (args.Positionals.Count > 0) throw new UsageException($"unexpected argument '{args.Positionals[0]}'");
        var settings = new LaunchSettings(
            ClusterAddress.Directory(args),
            args.HasOption("--nodes") ? args.GetInt("--nodes", 3, 1, 32) : null,
            args.HasOption("--base-port") ? args.GetInt("--base-port", 7000, 1, 65000) : null,
            args.HasOption("--grpc-port") ? args.GetInt("--grpc-port", 9160, 1, 65000) : null,
            TimeSpan.FromSeconds(args.GetInt("--timeout", 180, 5, 3600))) { Tls = args.Has("--tls") };
        bool detach = args.Has("--detach");
        if (demo && detach) throw new UsageException("demo stops the cluster at the end; use up --detach to keep it");
        bool interactive = !demo && !detach && !Console.IsInputRedirected && !Console.IsOutputRedirected;

        using var interrupt = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true; // stop waiting; the launcher kills the nodes it was starting
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        ClusterLauncher.Result launched;
        try
        {
            launched = await ClusterLauncher.UpAsync(settings, Console.Out, interrupt.Token);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or OperationCanceledException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync($"error: the cluster did not start: {e.Message}");
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        // A TLS cluster (new, or recorded with its tls/ directory): the shell and status trust its CA.
        if (launched.CaFile is not null) CliTls.CaFile ??= launched.CaFile;
        bool stopAtEnd = !interactive && !detach && launched.StartedNodes > 0;
        try
        {
            return await AfterStartAsync(args, launched, interactive, detach);
        }
        finally
        {
            if (stopAtEnd)
            {
                int? stopped = await ClusterStopper.StopAsync(settings.DataRoot, TimeSpan.FromSeconds(30), Console.Error);
                Console.WriteLine($"Stopped {stopped ?? 0} nodes (ringstore up keeps them running when run on a terminal).");
            }
        }
    }

    private static async Task<int> AfterStartAsync(CliArguments args, ClusterLauncher.Result launched, bool interactive, bool detach)
    {
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions { ContactPoints = launched.GrpcEndpoints, CaFile = CliTls.CaFile });
        Console.WriteLine();
        Console.Write(StatusFormatter.Format(await client.StatusAsync(), effectiveOwnership: false));

        bool sampleOk = true;
        if (!args.Has("--no-sample"))
        {
            int nodes = launched.GrpcEndpoints.Count;
            int rf = args.GetInt("--rf", Math.Min(3, nodes), 1, nodes);
            try
            {
                int written = await SampleData.EnsureAsync(client, rf, CancellationToken.None);
                Console.WriteLine(written > 0
                    ? $"Created demo.readings (RF {rf}) with {written} readings."
                    : "demo.readings is already there.");
                if (!interactive || detach) Console.WriteLine($"Try: {SampleData.HintQuery}");
            }
            catch (RingStoreException e)
            {
                sampleOk = false;
                await Console.Error.WriteLineAsync($"warning: could not create the sample table: {ShellErrorFormatter.Format(e)}");
            }
        }

        if (detach)
        {
            Console.WriteLine($"Cluster is up: {string.Join(", ", launched.GrpcEndpoints)}. Shell: ringstore shell; stop: ringstore down");
            return 0;
        }
        if (interactive)
        {
            if (sampleOk && !args.Has("--no-sample")) Console.WriteLine($"Try: {SampleData.HintQuery}");
            Console.WriteLine();
            int code = await InteractiveShell.RunAsync(client, new ShellSettings { Timing = true });
            Console.WriteLine("The cluster is still running: ringstore down stops it.");
            return code;
        }
        if (!sampleOk) return 1;
        Console.WriteLine();
        var session = new ShellSession(client, new ShellSettings { Timing = true }, Console.Out, Console.Error);
        foreach (string query in SampleData.DemoQueries)
        {
            Console.WriteLine($"ringstore> {query}");
            await session.RunScriptAsync(query, CancellationToken.None);
            Console.WriteLine();
        }
        return session.Failures == 0 ? 0 : 1;
    }
}

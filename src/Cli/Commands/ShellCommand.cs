using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Shell;
using RingStore.Client;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore shell [--host h:p] [--dir D] [-k ks] [-e "stmt"] [-f file] [--timing] [-u user [-p [password]]]</c>: the
/// CQL shell. With -e or -f (or statements on a piped standard input) it runs them and exits 0, or 1 when any failed;
/// otherwise the REPL. <c>-u</c> logs in as a role (password authenticator); <c>-p</c> without a value (or no -p) asks
/// for the password without echo (from standard input's first line when it is not a terminal).
/// </summary>
public static class ShellCommand
{
    private static readonly string[] ValueOptions = ["--host", "--dir", "-e", "--execute", "-f", "--file", "-k", "--keyspace", "--consistency"];
    private static readonly string[] Flags = ["--timing"];

    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var (rest, username, password) = ShellCredentialsArguments.Split(rawArgs);
        // The global --user/--password (or RINGSTORE_USER/RINGSTORE_PASSWORD) when the shell's own -u/-p are not given.
        if (username is null && CliCredentials.Current is { } global) (username, password) = (global.Username, global.Password);
        var args = CliArguments.Parse(rest, ValueOptions, Flags);
        if (args.Positionals.Count > 0) throw new UsageException($"unexpected argument '{args.Positionals[0]}'");
        string? execute = args.Get("-e", "--execute");
        string? file = args.Get("-f", "--file");
        if (execute is not null && file is not null) throw new UsageException("give -e or -f, not both");
        var settings = new ShellSettings { Timing = args.Has("--timing") };
        if (args.Get("--consistency") is { } level)
        {
            if (!ConsistencyNames.TryParse(level, out var parsed)) throw new UsageException($"unknown consistency level '{level}'");
            settings.Consistency = parsed;
        }
        string? script = execute;
        if (file is not null)
        {
            if (!File.Exists(file)) throw new UsageException($"no such file: {file}");
            script = await File.ReadAllTextAsync(file);
        }

        if (username is not null && password is null)
        {
            password = PasswordPrompt.Read($"Password for {username}: ");
            if (password is null) throw new UsageException("no password given");
        }
        await using var client = await ConnectAsync(args, username, password);
        if (client is null) return 1;
        if (args.Get("-k", "--keyspace") is { } keyspace) client.Keyspace = keyspace;
        if (script is null && (Console.IsInputRedirected || Console.IsOutputRedirected))
            script = Console.IsInputRedirected ? await Console.In.ReadToEndAsync() : throw new UsageException("the interactive shell needs a terminal; use -e or -f");
        if (script is null)
        {
            settings.Timing = true;
            return await InteractiveShell.RunAsync(client, settings);
        }
        return await RunScriptAsync(client, settings, script);
    }

    public static async Task<int> RunScriptAsync(RingStoreClient client, ShellSettings settings, string script)
    {
        ArgumentNullException.ThrowIfNull(client);
        var session = new ShellSession(client, settings, Console.Out, Console.Error);
        await session.RunScriptAsync(script, CancellationToken.None);
        await Console.Out.FlushAsync();
        return session.Failures == 0 ? 0 : 1;
    }

    /// <summary>Connects to the cluster, or prints why not and returns null.</summary>
    public static async Task<RingStoreClient?> ConnectAsync(CliArguments args, string? username = null, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var contactPoints = ClusterAddress.ContactPoints(args);
        try
        {
            // One coordinator for statements the SDK cannot route by key, as cqlsh: read-your-writes at ONE.
            return await RingStoreClient.ConnectAsync(new RingStoreClientOptions
            {
                ContactPoints = contactPoints, StickyCoordinator = true, CaFile = CliTls.CaFile, Username = username, Password = password,
            });
        }
        catch (RingStoreException e) when (e.Kind == RingStore.Core.Errors.RequestErrorKind.BadCredentials)
        {
            await Console.Error.WriteLineAsync($"AuthenticationFailed: {e.Message}");
            return null;
        }
        catch (RingStoreException e)
        {
            // The last node's own answer says more than "no contact point answered" (a deadline, a refusal ...).
            string why = e.InnerException is Grpc.Core.RpcException rpc ? $" Last error: {rpc.StatusCode}: {rpc.Status.Detail}." : "";
            await Console.Error.WriteLineAsync($"NoHostAvailable: {e.Message}{why} Is the cluster up? (ringstore up)");
            return null;
        }
    }
}

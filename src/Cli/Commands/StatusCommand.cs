using RingStore.Cli.CommandLine;
using RingStore.Cli.Tools;
using RingStore.Client;

namespace RingStore.Cli.Commands;

/// <summary><c>ringstore status [--host h:p] [--dir D] [keyspace]</c> and <c>ringstore ring [--host h:p] [--dir D]</c>.</summary>
public static class StatusCommand
{
    private static readonly string[] ValueOptions = ["--host", "--dir"];

    public static async Task<int> StatusAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        if (args.Positionals.Count > 1) throw new UsageException("status takes at most one keyspace");
        string? keyspace = args.Positionals.Count == 1 ? args.Positionals[0] : null;
        await using var client = await ShellCommand.ConnectAsync(args);
        if (client is null) return 1;
        try
        {
            var status = await client.StatusAsync(keyspace);
            Console.Write(StatusFormatter.Format(status, keyspace is not null));
            return 0;
        }
        catch (RingStoreException e)
        {
            await Console.Error.WriteLineAsync(Shell.ShellErrorFormatter.Format(e));
            return 1;
        }
    }

    public static async Task<int> RingAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        if (args.Positionals.Count > 0) throw new UsageException($"unexpected argument '{args.Positionals[0]}'");
        await using var client = await ShellCommand.ConnectAsync(args);
        if (client is null) return 1;
        Console.Write(RingFormatter.Format(client.Metadata.Ring));
        return 0;
    }
}

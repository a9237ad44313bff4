using RingStore.Cli.CommandLine;
using RingStore.Cli.Tools;
using RingStore.Core.Errors;
using CoreColumn = RingStore.Core.Schema.ColumnDefinition;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore token</c>: the Murmur3 token of a partition key, offline.
/// <c>--hex HEX</c> raw key bytes; <c>bigint:42 text:2026-11</c> typed components; <c>-</c> one hex key per line on
/// standard input, one token per line out; <c>--table ks.t v1 v2...</c> reads the values with the table's key types
/// (this one asks the cluster for the schema).
/// </summary>
public static class TokenCommand
{
    private static readonly string[] ValueOptions = ["--hex", "--table", "--host", "--dir"];

    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        try
        {
            if (args.Get("--hex") is { } hex)
            {
                if (args.Positionals.Count > 0) throw new UsageException("--hex takes the whole key; no other arguments");
                Console.WriteLine(PartitionKeyInput.TokenOf(PartitionKeyInput.ParseHex(hex)));
                return 0;
            }
            if (args.Positionals is ["-"]) return await FromStandardInputAsync();
            if (args.Get("--table") is { } table) return await FromTableAsync(args, table);
            if (args.Positionals.Count == 0) throw new UsageException("give --hex HEX, typed components (bigint:42 text:x), '-' or --table ks.t values");
            Console.WriteLine(PartitionKeyInput.TokenOf(PartitionKeyInput.ParseTypedComponents(args.Positionals)));
            return 0;
        }
        catch (InvalidRequestException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> FromStandardInputAsync()
    {
        int failures = 0, lineNumber = 0;
        while (await Console.In.ReadLineAsync() is { } line)
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            try
            {
                Console.Out.WriteLine(PartitionKeyInput.TokenOf(PartitionKeyInput.ParseHex(line)));
            }
            catch (InvalidRequestException e)
            {
                failures++;
                await Console.Error.WriteLineAsync($"error: line {lineNumber}: {e.Message}");
            }
        }
        await Console.Out.FlushAsync();
        return failures == 0 ? 0 : 1;
    }

    private static async Task<int> FromTableAsync(CliArguments args, string qualified)
    {
        string[] parts = qualified.Split('.');
        if (parts.Length != 2) throw new UsageException($"--table needs keyspace.table, got '{qualified}'");
        await using var client = await ShellCommand.ConnectAsync(args);
        if (client is null) return 1;
        var table = client.Metadata.FindTable(parts[0], parts[1]) ?? throw new InvalidRequestException($"unconfigured table {qualified}");
        var columns = table.PartitionKey.Select(c => new CoreColumn(c.Name, (Core.Schema.ColumnType)c.Type)).ToList();
        Console.WriteLine(PartitionKeyInput.TokenOf(PartitionKeyInput.ParseValues(columns, args.Positionals)));
        return 0;
    }
}

using RingStore.Cli.CommandLine;
using RingStore.Cli.Tools;
using RingStore.Core.Errors;
using CoreColumn = RingStore.Core.Schema.ColumnDefinition;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore endpoints &lt;ks&gt; &lt;table&gt; &lt;key values...&gt;</c>: the nodes holding a partition's replicas, one
/// internode address per line, from the ring and the keyspace's replication as the client sees them (nodetool getendpoints).
/// </summary>
public static class EndpointsCommand
{
    private static readonly string[] ValueOptions = ["--host", "--dir"];

    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        if (args.Positionals.Count < 3) throw new UsageException("usage: ringstore endpoints <keyspace> <table> <partition key values...>");
        string keyspace = args.Positionals[0], tableName = args.Positionals[1];
        await using var client = await ShellCommand.ConnectAsync(args);
        if (client is null) return 1;
        try
        {
            var metadata = client.Metadata;
            var table = metadata.FindTable(keyspace, tableName) ?? throw new InvalidRequestException($"unconfigured table {keyspace}.{tableName}");
            var replication = metadata.Schema.Keyspaces.First(k => k.Name == keyspace).Replication;
            var columns = table.PartitionKey.Select(c => new CoreColumn(c.Name, (Core.Schema.ColumnType)c.Type)).ToList();
            var token = PartitionKeyInput.TokenOf(PartitionKeyInput.ParseValues(columns, args.Positionals.Skip(2).ToList()));
            foreach (var node in metadata.Tokens.ReplicasFor(token, replication)) Console.WriteLine(node.Endpoint);
            return 0;
        }
        catch (InvalidRequestException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}

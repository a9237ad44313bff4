using System.Globalization;
using Grpc.Core;
using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Client.Protos;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore verify [--node N | --host h:p] [--dir D] [keyspace [table]]</c> (nodetool verify): each node checks
/// every block of every component of its live SSTables against their checksums, as the files are on disk now. Exit 1
/// when any file is damaged (the node then fails reads the damaged SSTable may concern; the other replicas serve them).
/// </summary>
public static class VerifyCommand
{
    private static readonly string[] ValueOptions = ["--node", "--host", "--dir", "--timeout"];

    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        var (keyspace, table) = MaintenanceCommand.KeyspaceAndTable(args, "verify");
        var timeout = TimeSpan.FromSeconds(args.GetInt("--timeout", 3600, 5, 7 * 86_400));
        var nodes = await MaintenanceCommand.NodesAsync(args);

        int damaged = 0, failures = 0;
        foreach (string node in nodes)
        {
            using var rpc = new NodeRpc(node);
            try
            {
                var r = await rpc.Api.VerifyAsync(new VerifyRequest { Keyspace = keyspace, Table = table }, deadline: DateTime.UtcNow + timeout);
                foreach (string line in Format(node, r)) Console.WriteLine(line);
                damaged += r.Findings.Count;
            }
            catch (RpcException e)
            {
                failures++;
                await Console.Error.WriteLineAsync($"error: {NodeRpc.Describe(e, node, "verify")}");
            }
        }
        return damaged == 0 && failures == 0 ? 0 : 1;
    }

    /// <summary>One summary line per node, then one line per damaged block or file.</summary>
    public static IEnumerable<string> Format(string node, VerifyResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        yield return string.Create(CultureInfo.InvariantCulture,
            $"  {node}  {response.SstablesChecked} SSTables checked, {(response.Findings.Count == 0 ? "all sound" : $"{response.Findings.Count} damaged")}");
        foreach (var f in response.Findings)
        {
            string where = f.Block >= 0 ? string.Create(CultureInfo.InvariantCulture, $"block {f.Block}") : "whole file";
            yield return $"    {f.Table} {f.File} ({f.Component}, {where}): {f.Error}";
        }
    }
}

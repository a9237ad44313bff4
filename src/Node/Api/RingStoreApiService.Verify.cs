using Grpc.Core;
using RingStore.Client.Protos;

namespace RingStore.Node.Api;

/// <summary>nodetool-style verify: every block of every SSTable component of this node, against its checksum.</summary>
public sealed partial class RingStoreApiService
{
    public override async Task<VerifyResponse> Verify(VerifyRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var engine = Node.Engine;
        var tables = engine.Tables
            .Where(t => request.Keyspace.Length == 0 || string.Equals(t.Keyspace, request.Keyspace, StringComparison.Ordinal))
            .Where(t => request.Table.Length == 0 || string.Equals(t.Name, request.Table, StringComparison.Ordinal))
            .Select(t => t.FullName)
            .ToList();
        if (tables.Count == 0 && (request.Keyspace.Length > 0 || request.Table.Length > 0))
            throw new RpcException(new Status(StatusCode.NotFound, $"no table matches keyspace '{request.Keyspace}' table '{request.Table}'"));
        var response = new VerifyResponse();
        foreach (string table in tables)
        {
            var report = await engine.VerifyAsync(table, context.CancellationToken).ConfigureAwait(false);
            response.SstablesChecked += report.SSTablesChecked;
            response.Findings.AddRange(report.Findings.Select(f => new VerifyFinding
            {
                Table = f.Table,
                File = f.File,
                Component = f.Component.ToString(),
                Block = f.Block ?? -1,
                Error = f.Error,
            }));
        }
        return response;
    }
}

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
        var engine = admin.Engine;
        var tables = LocalTablesMatching(request.Keyspace, request.Table).Select(t => t.FullName);
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

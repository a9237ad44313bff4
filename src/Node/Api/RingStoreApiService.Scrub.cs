using System.Globalization;
using Grpc.Core;
using RingStore.Client.Protos;
using RingStore.Core.Schema;
using RingStore.Core.Values;

namespace RingStore.Node.Api;

/// <summary>
/// nodetool-style scrub: this node rewrites its damaged SSTables (or all, on request) from their readable parts and
/// says per table what it kept and dropped; repair then restores the dropped data from the other replicas.
/// </summary>
public sealed partial class RingStoreApiService
{
    public override async Task<ScrubResponse> Scrub(ScrubRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var engine = admin.Engine;
        var tables = LocalTablesMatching(request.Keyspace, request.Table);
        var response = new ScrubResponse();
        foreach (var schema in tables)
        {
            var result = await engine.ScrubAsync(schema.FullName, request.All, context.CancellationToken).ConfigureAwait(false);
            foreach (var r in result)
            {
                var table = new ScrubTableResult
                {
                    Table = r.Table,
                    SstablesChecked = r.SSTablesChecked,
                    SstablesScrubbed = r.SSTablesScrubbed,
                    PartitionsKept = r.PartitionsKept,
                    RowsKept = r.RowsKept,
                    PartitionsDropped = r.PartitionsDropped,
                    PartitionsDamaged = r.PartitionsDamaged,
                    RowsDropped = r.RowsDropped,
                    DataBlocksBad = r.DataBlocksBad,
                    IndexBlocksBad = r.IndexBlocksBad,
                    DataBytesUnaccounted = r.DataBytesUnaccounted,
                    LostKeyCount = r.LostKeyCount,
                };
                table.LostKeys.AddRange(r.LostKeys.Select(k => DescribeKey(schema, k)));
                response.Tables.Add(table);
            }
        }
        return response;
    }

    /// <summary>The key's values as text ("42, b"), or its bytes in hex when they do not decode (a damaged header).</summary>
    private static string DescribeKey(TableSchema schema, byte[] key)
    {
        try
        {
            var values = PartitionKeyCodec.Deserialize(schema.PartitionKey, key);
            return string.Join(", ", values.Select(v => v is DateTimeOffset d ? d.ToString("O", CultureInfo.InvariantCulture) : Convert.ToString(v, CultureInfo.InvariantCulture)));
        }
        catch (Core.Errors.InvalidRequestException)
        {
            return "0x" + Convert.ToHexString(key);
        }
    }
}

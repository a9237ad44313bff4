using Grpc.Core;
using RingStore.Client.Protos;
using RingStore.Node.Repair;

namespace RingStore.Node.Api;

/// <summary>nodetool repair coordinated by this node (RepairService), with one progress update per range, and its history.</summary>
public sealed partial class RingStoreApiService
{
    public override async Task Repair(RepairRequest request, IServerStreamWriter<RepairUpdate> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var options = new RepairRequestOptions(request.Keyspace, request.Table, request.PrimaryOnly,
            [.. request.Ranges.Select(r => (r.StartExclusive, r.EndInclusive))]);
        RepairSummary summary;
        try
        {
            summary = await admin.Repairs.RepairAsync(options, p => responseStream.WriteAsync(ToUpdate(p.Totals, new RepairUpdate
            {
                Table = p.Table,
                StartExclusive = p.StartExclusive,
                EndInclusive = p.EndInclusive,
                RangesDone = p.RangesDone,
                RangesTotal = p.RangesTotal,
                Failure = p.Failure ?? "",
            })), context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException and not OperationCanceledException)
        {
            throw ErrorMapping.ToRpcException(e);
        }
        var final = ToUpdate(summary.Totals, new RepairUpdate
        {
            RangesDone = summary.RangesTotal,
            RangesTotal = summary.RangesTotal,
            Final = true,
            RangesFailed = summary.RangesFailed,
        });
        final.Failures.AddRange(summary.Failures);
        await responseStream.WriteAsync(final).ConfigureAwait(false);
    }

    public override Task<RepairHistoryResponse> RepairHistory(RepairHistoryRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new RepairHistoryResponse();
        response.Items.AddRange(admin.Repairs.History.Entries
            .Where(e => request.Keyspace.Length == 0 || e.Table.StartsWith(request.Keyspace + ".", StringComparison.Ordinal))
            .Where(e => request.Table.Length == 0 || e.Table == $"{request.Keyspace}.{request.Table}")
            .Select(e => new RepairHistoryItem
            {
                Table = e.Table,
                StartExclusive = e.StartExclusive,
                EndInclusive = e.EndInclusive,
                RepairedAtUnixSeconds = e.RepairedAtUnixSeconds,
            }));
        return Task.FromResult(response);
    }

    private static RepairUpdate ToUpdate(RangeRepairResult totals, RepairUpdate update)
    {
        update.RowsCompared = totals.EntriesCompared;
        update.RowsDiffering = totals.EntriesDiffering;
        update.RowsSent = totals.RowsSent;
        update.BytesSent = totals.BytesSent;
        update.BytesReceived = totals.BytesReceived;
        return update;
    }
}

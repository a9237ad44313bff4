using Grpc.Core;
using RingStore.Client.Protos;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using RingStore.Node.Topology;

namespace RingStore.Node.Api;

/// <summary>nodetool-style topology calls: decommission, removenode, cleanup, netstats.</summary>
public sealed partial class RingStoreApiService
{
    public override Task<TopologyResponse> Decommission(DecommissionRequest request, ServerCallContext context) =>
        Topology(async () => ToResponse(await admin.Topology.DecommissionAsync(context.CancellationToken).ConfigureAwait(false)));

    public override Task<TopologyResponse> RemoveNode(RemoveNodeRequest request, ServerCallContext context) =>
        Topology(async () =>
        {
            if (!Guid.TryParse(request.HostId, out Guid hostId))
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"'{request.HostId}' is not a host id (a UUID)"));
            return ToResponse(await admin.Topology.RemoveNodeAsync(hostId, context.CancellationToken).ConfigureAwait(false));
        });

    public override Task<CleanupResponse> Cleanup(CleanupRequest request, ServerCallContext context) =>
        Topology(async () =>
        {
            var result = await admin.Topology.CleanupAsync(request.Keyspace, request.Table, context.CancellationToken).ConfigureAwait(false);
            return new CleanupResponse { BytesBefore = result.BytesBefore, BytesAfter = result.BytesAfter, PartitionsDropped = result.PartitionsDropped };
        });

    public override Task<NetstatsResponse> Netstats(NetstatsRequest request, ServerCallContext context)
    {
        var response = new NetstatsResponse { Mode = admin.Topology.Mode };
        response.Indexes.AddRange(admin.Engine.IndexStatuses().Select(i => new IndexBuildInfo
        {
            KeyspaceTable = i.Table,
            Index = i.Index,
            Column = i.Column,
            Built = i.Built,
            Progress = i.Progress,
            EntriesBuilt = i.EntriesBuilt,
            Error = i.Error ?? "",
        }));
        response.Sessions.AddRange(admin.Streams.Sessions.Select(s => new StreamSessionInfo
        {
            Operation = s.Operation,
            Peer = s.Peer,
            Direction = s.Direction,
            RangesDone = s.RangesDone,
            RangesTotal = s.RangesTotal,
            BytesDone = s.Bytes,
            PartitionsDone = s.Partitions,
            MibPerSecond = s.MiBPerSecond,
            State = s.State,
            KeyspaceTable = s.Tables,
            FilesDone = s.FilesDone,
            FilesTotal = s.FilesTotal,
        }));
        return Task.FromResult(response);
    }

    private static TopologyResponse ToResponse(TopologyResult result) =>
        new() { Message = result.Message, StreamedBytes = result.StreamedBytes, Ranges = result.Ranges };

    /// <summary>A refusal is FAILED_PRECONDITION with the reason; anything else maps as for data calls.</summary>
    private static async Task<T> Topology<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (TopologyRefusedException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
        catch (RpcException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw ErrorMapping.ToRpcException(e);
        }
    }
}

using Grpc.Core;
using RingStore.Client.Protos;
using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Core.Serialization;
using RingStore.Cql;
using RingStore.Cql.Ast;
using RingStore.Node.Cql;
using RingStore.Storage.Snapshots;

namespace RingStore.Node.Api;

/// <summary>
/// Snapshots, restore and the loader's door on this node (nodetool snapshot/listsnapshots/clearsnapshot/refresh,
/// sstableloader). Each call acts on this node only: the CLI calls every node (one at a time for restore, so the
/// first node's re-creation of a dropped table reaches the others before they look for it).
/// </summary>
public sealed partial class RingStoreApiService
{
    public override Task<SnapshotResponse> Snapshot(SnapshotRequest request, ServerCallContext context) =>
        GuardSnapshots(async () =>
        {
            var tables = LocalTablesMatching(request.Keyspace, request.Table).Select(t => t.FullName).ToList();
            string tag = request.Tag.Length == 0 ? SnapshotTag.FromTime(Clock.GetUtcNow()) : request.Tag;
            var taken = await admin.Engine.SnapshotAsync(tag, tables, context.CancellationToken).ConfigureAwait(false);
            var response = new SnapshotResponse { Tag = tag };
            response.Snapshots.AddRange(taken.Select(Entry));
            return response;
        });

    public override Task<ListSnapshotsResponse> ListSnapshots(ListSnapshotsRequest request, ServerCallContext context) =>
        GuardSnapshots(() =>
        {
            var response = new ListSnapshotsResponse();
            response.Snapshots.AddRange(admin.Engine.ListSnapshots(request.Tag, request.Keyspace, request.Table).Select(Entry));
            return Task.FromResult(response);
        });

    public override Task<ListSnapshotsResponse> ClearSnapshot(ClearSnapshotRequest request, ServerCallContext context) =>
        GuardSnapshots(() =>
        {
            var response = new ListSnapshotsResponse();
            response.Snapshots.AddRange(admin.Engine.ClearSnapshots(request.Tag, request.Keyspace, request.Table).Select(Entry));
            return Task.FromResult(response);
        });

    public override Task<RestoreSnapshotResponse> RestoreSnapshot(RestoreSnapshotRequest request, ServerCallContext context) =>
        GuardSnapshots(async () =>
        {
            SnapshotTag.Validate(request.Tag);
            var ct = context.CancellationToken;
            var found = admin.Engine.ListSnapshots(request.Tag, request.Keyspace, request.Table).Where(s => s.Manifest is not null).ToList();
            if (found.Count == 0)
                throw new RpcException(new Status(StatusCode.NotFound, $"no complete snapshot '{request.Tag}' on this node" + Filter(request.Keyspace, request.Table)));
            var response = new RestoreSnapshotResponse();
            // A table dropped and re-created may have several folders with the tag: the newest snapshot wins.
            foreach (var group in found.GroupBy(s => s.FullName, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var snapshot = group.OrderByDescending(s => s.Manifest!.CreatedAt).First();
                bool created = false;
                if (!ddl.Schema.Current.TryGetTable(snapshot.Keyspace, snapshot.Table, out _))
                {
                    created = ddl.Schema.CreateTable(SchemaOf(snapshot), ifNotExists: true);
                    if (created) await ddl.AnnounceSchemaAsync(ct).ConfigureAwait(false);
                }
                var result = await admin.Engine.RestoreSnapshotAsync(snapshot, snapshot.FullName, ct).ConfigureAwait(false);
                response.Tables.Add(new RestoredTable
                {
                    Table = result.Table,
                    Sstables = result.SSTables,
                    Partitions = result.Partitions,
                    Bytes = result.Bytes,
                    Created = created,
                });
            }
            return response;
        });

    public override Task<LoadResponse> Load(LoadRequest request, ServerCallContext context) =>
        GuardSnapshots(() => WithClientDeadline(context, async () =>
        {
            var table = calls.Lookup.Table(request.Keyspace, request.Table);
            if (request.ColumnsJson.Length > 0 && SnapshotColumns.FromJson(request.ColumnsJson).Incompatibility(table) is { } why)
                throw new InvalidRequestException($"Cannot load into {table.FullName}: the snapshot's {why}.");
            var consistency = request.Consistency == Client.Protos.Consistency.Default ? ConsistencyLevel.Quorum : ConsistencyConverter.ToCore(request.Consistency);
            var updates = new List<Core.Data.PartitionUpdate>(request.Partitions.Count);
            long rows = 0;
            foreach (var encoded in request.Partitions)
            {
                Core.Data.PartitionUpdate decoded;
                try
                {
                    decoded = DataSerializer.ReadPartitionUpdate(encoded.Span);
                }
                catch (FormatException e)
                {
                    throw new InvalidRequestException($"Partition #{updates.Count} of the load request does not decode: {e.Message}", e);
                }
                var update = new Core.Data.PartitionUpdate(table.FullName, decoded.PartitionKey, decoded.PartitionDeletion, decoded.RangeTombstones, decoded.Rows);
                updates.Add(update);
                rows += update.Rows.Count;
            }
            await calls.ClientWrites.LoadAsync(table, updates, consistency, context.CancellationToken).ConfigureAwait(false);
            return new LoadResponse { Partitions = updates.Count, Rows = rows };
        }));

    /// <summary>The table a snapshot's schema.cql creates (a dropped table being restored); its keyspace must exist.</summary>
    private TableSchema SchemaOf(SnapshotInfo snapshot)
    {
        string path = Path.Combine(snapshot.Directory, SnapshotManifest.SchemaFileName);
        if (!File.Exists(path))
            throw new InvalidOperationException($"{snapshot.FullName} does not exist and snapshot '{snapshot.Tag}' has no {SnapshotManifest.SchemaFileName} to re-create it from.");
        if (CqlParser.Parse(File.ReadAllText(path)) is not CreateTableStatement create)
            throw new InvalidOperationException($"{path} is not a CREATE TABLE statement.");
        TableResolver.RequireKeyspace(ddl.Schema.Current, snapshot.Keyspace);
        return TableBuilder.Build(snapshot.Keyspace, create);
    }

    private static string Filter(string keyspace, string table) =>
        keyspace.Length == 0 ? "" : table.Length == 0 ? $" for keyspace {keyspace}" : $" for {keyspace}.{table}";

    private static SnapshotEntry Entry(SnapshotInfo s) => new()
    {
        Keyspace = s.Keyspace,
        Table = s.Table,
        Tag = s.Tag,
        Bytes = s.Bytes,
        TrueBytes = s.TrueBytes,
        Sstables = s.Manifest?.SSTables.Count ?? 0,
        CreatedAtUnixMs = s.Manifest?.CreatedAt.ToUnixTimeMilliseconds() ?? 0,
        TableLive = s.TableIsLive,
        Complete = s.Manifest is not null,
        TableId = s.TableId.ToString("N"),
        Directory = s.Directory,
    };

    /// <summary>Snapshot errors as statuses: a bad tag or request is InvalidArgument; an existing tag, a damaged or incompatible snapshot FailedPrecondition.</summary>
    private static Task<T> GuardSnapshots<T>(Func<Task<T>> call) => Guard(async () =>
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or Storage.SSTables.CorruptSSTableException)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
    });
}

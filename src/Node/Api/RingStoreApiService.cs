using Google.Protobuf;
using Grpc.Core;
using RingStore.Client.Protos;
using RingStore.Core.Errors;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Storage.Engine;

namespace RingStore.Node.Api;

/// <summary>
/// The client API over gRPC. Each call validates and converts its request, hands it to the coordinator (writes
/// through <see cref="Requests.ClientWrites"/>), the CQL executor or the schema manager, and maps any failure to a
/// status code plus an error-kind trailer (<see cref="ErrorMapping"/>).
/// </summary>
/// <param name="calls">Mutate, Read, Execute, Prepare and sessions.</param>
/// <param name="ddl">Schema calls and the schema a snapshot restore re-creates.</param>
/// <param name="admin">Status, maintenance, snapshots, repair and topology.</param>
public sealed partial class RingStoreApiService(RingStoreApiService.ClientCalls calls, RingStoreApiService.SchemaCalls ddl,
    RingStoreApiService.AdminCalls admin) : RingStoreApi.RingStoreApiBase
{
    /// <summary>
    /// Where the client's data calls go: <see cref="Requests.ClientWrites"/> (the one door for writes, also the Load
    /// call's), the read coordinator, the schema lookup, the CQL executor and the authorizer (null: no authenticator).
    /// </summary>
    public sealed record ClientCalls(RingStore.Node.Requests.ClientWrites ClientWrites, RingStore.Node.Requests.ReadCoordinator Reads, RingStore.Node.Requests.ReplicaLookup Lookup,
        RingStore.Node.Cql.StatementExecutor Cql, RingStore.Node.Security.Auth.AuthService? Auth, TimeProvider Clock);

    /// <summary>The schema, and the push of a local change to the live peers.</summary>
    public sealed record SchemaCalls(RingStore.Node.Schema.SchemaManager Schema, Func<CancellationToken, Task<int>> Announce)
    {
        public Task<int> AnnounceSchemaAsync(CancellationToken ct) => Announce(ct);
    }

    /// <summary>What the operator calls (nodetool's) work on.</summary>
    public sealed record AdminCalls(StorageEngine Engine, StatusBuilder Status, RingStore.Node.Repair.RepairService Repairs,
        RingStore.Node.Topology.TopologyOperations Topology, RingStore.Node.Streaming.StreamRegistry Streams);

    private static readonly MutateResponse Empty = new();

    internal TimeProvider Clock => calls.Clock;

    public override Task<SchemaResponse> CreateKeyspace(CreateKeyspaceRequest request, ServerCallContext context) =>
        Guard(async () =>
        {
            bool applied = ddl.Schema.CreateKeyspace(SchemaConverter.ToKeyspace(request.Name, request.Replication), request.IfNotExists);
            return await Announce(applied, context).ConfigureAwait(false);
        });

    public override Task<SchemaResponse> DropKeyspace(DropKeyspaceRequest request, ServerCallContext context) =>
        Guard(async () => await Announce(ddl.Schema.DropKeyspace(request.Name, request.IfExists), context).ConfigureAwait(false));

    public override Task<SchemaResponse> CreateTable(CreateTableRequest request, ServerCallContext context) =>
        Guard(async () => await Announce(ddl.Schema.CreateTable(SchemaConverter.ToTable(request), request.IfNotExists), context).ConfigureAwait(false));

    public override Task<SchemaResponse> DropTable(DropTableRequest request, ServerCallContext context) =>
        Guard(async () => await Announce(ddl.Schema.DropTable(request.Keyspace, request.Name, request.IfExists), context).ConfigureAwait(false));

    public override Task<DescribeSchemaResponse> DescribeSchema(DescribeSchemaRequest request, ServerCallContext context) =>
        Guard(() =>
        {
            var schema = ddl.Schema.Current;
            var response = new DescribeSchemaResponse { SchemaVersion = schema.Version.ToString() };
            response.Keyspaces.AddRange(schema.Keyspaces.Select(k => new KeyspaceInfo { Name = k.Name, Replication = SchemaConverter.FromKeyspace(k) }));
            response.Tables.AddRange(schema.Tables.Select(SchemaConverter.FromTable));
            return Task.FromResult(response);
        });

    public override Task<MutateResponse> Mutate(MutateRequest request, ServerCallContext context) =>
        Guard(() => WithClientDeadline(context, () => MutateAsync(request, context.CancellationToken)));

    public override Task<ReadResponse> Read(ReadRequest request, ServerCallContext context) =>
        Guard(() => WithClientDeadline(context, () => ReadAsync(request, context.CancellationToken)));

    /// <summary>
    /// Runs a call under its gRPC deadline as the ambient <see cref="Messaging.ClientDeadline"/>, so the replica requests
    /// it sends carry no more budget than the client has left (sessions do the same with <c>timeout_millis</c>).
    /// </summary>
    private async Task<T> WithClientDeadline<T>(ServerCallContext context, Func<Task<T>> call)
    {
        using var deadline = Messaging.ClientDeadline.BeginAt(Clock, context.Deadline);
        return await call().ConfigureAwait(false);
    }

    /// <summary>Many Mutate/Read/Execute calls over one stream (<see cref="ApiSession"/>).</summary>
    public override Task Session(IAsyncStreamReader<SessionRequest> requestStream, IServerStreamWriter<SessionResponse> responseStream,
        ServerCallContext context) =>
        new ApiSession(this).RunAsync(requestStream, responseStream, context.CancellationToken);

    /// <summary>A Mutate call's work, shared by the unary call and sessions; failures are thrown as RingStore errors.</summary>
    internal async Task<MutateResponse> MutateAsync(MutateRequest request, CancellationToken ct)
    {
        using var warnings = Requests.ClientWarnings.Begin();
        await MutateCoreAsync(request, ct).ConfigureAwait(false);
        if (warnings.Messages.Count == 0) return Empty;
        var response = new MutateResponse();
        response.Warnings.AddRange(warnings.Messages);
        return response;
    }

    private async Task MutateCoreAsync(MutateRequest request, CancellationToken ct)
    {
        if (request.Mutations.Count == 0) throw new InvalidRequestException("A mutate request needs at least one mutation.");
        if (calls.Auth is { } auth)
        {
            foreach (var m in request.Mutations)
                await auth.RequireAsync(RingStore.Cql.Ast.CqlPermission.Modify, Security.Auth.AuthResource.OfTable(m.Keyspace, m.Table), ct).ConfigureAwait(false);
        }
        var now = calls.ClientWrites.Now();
        var updates = new (Core.Schema.TableSchema Table, Core.Data.PartitionUpdate Update)[request.Mutations.Count];
        for (int i = 0; i < updates.Length; i++) updates[i] = Build(request.Mutations[i], now);
        await calls.ClientWrites.WriteAsync(updates, ConsistencyConverter.ToCore(request.Consistency), ct).ConfigureAwait(false);
    }

    /// <summary>A Read call's work, shared by the unary call and sessions.</summary>
    internal async Task<ReadResponse> ReadAsync(ReadRequest request, CancellationToken ct)
    {
        using var warnings = Requests.ClientWarnings.Begin();
        if (calls.Auth is { } auth)
            await auth.RequireAsync(RingStore.Cql.Ast.CqlPermission.Select, Security.Auth.AuthResource.OfTable(request.Keyspace, request.Table), ct).ConfigureAwait(false);
        var table = calls.Lookup.Table(request.Keyspace, request.Table);
        if (request.Limit < 0) throw new InvalidRequestException($"LIMIT must be positive, got {request.Limit}.");
        byte[] key = MutationBuilder.PartitionKey(table, request.PartitionKey);
        var query = new SliceQuery(table.FullName, key, SliceBuilder.Build(table, request.Start, request.End), request.Reversed,
            request.Limit == 0 ? int.MaxValue : request.Limit, request.PagingState.IsEmpty ? null : request.PagingState.ToByteArray());
        var result = await calls.Reads.ReadAsync(request.Keyspace, query, ConsistencyConverter.ToCore(request.Consistency), ct)
            .ConfigureAwait(false);
        var response = new ReadResponse();
        response.Columns.AddRange(ResultRowBuilder.Columns(table));
        var keyValues = PartitionKeyCodec.Deserialize(table.PartitionKey, key);
        response.Rows.AddRange(result.Rows.Select(r => ResultRowBuilder.Build(table, keyValues, r)));
        if (result.PagingState is { } paging) response.PagingState = ByteString.CopyFrom(paging);
        response.Warnings.AddRange(warnings.Messages);
        return response;
    }

    private (Core.Schema.TableSchema Table, Core.Data.PartitionUpdate Update) Build(Mutation m, Requests.WriteTime now)
    {
        var table = calls.Lookup.Table(m.Keyspace, m.Table);
        return (table, MutationBuilder.Build(table, m, m.HasTimestampMicros ? m.TimestampMicros : now.Micros, now.Seconds));
    }

    public override Task<DescribeRingResponse> DescribeRing(DescribeRingRequest request, ServerCallContext context) =>
        Guard(() => Task.FromResult(admin.Status.DescribeRing()));

    public override Task<StatusResponse> Status(StatusRequest request, ServerCallContext context) =>
        Guard(() => Task.FromResult(admin.Status.Status(request.Keyspace)));

    public override Task<ExecuteResponse> Execute(ExecuteRequest request, ServerCallContext context) =>
        Guard(() => WithClientDeadline(context, () => ExecuteAsync(request, context.CancellationToken)));

    /// <summary>An Execute call's work, shared by the unary call and sessions.</summary>
    internal async Task<ExecuteResponse> ExecuteAsync(ExecuteRequest request, CancellationToken ct)
    {
        using var warnings = Requests.ClientWarnings.Begin();
        var response = await calls.Cql.ExecuteAsync(request, ct).ConfigureAwait(false);
        response.Warnings.AddRange(warnings.Messages);
        return response;
    }

    public override Task<PrepareResponse> Prepare(PrepareRequest request, ServerCallContext context) =>
        Guard(() => Task.FromResult(calls.Cql.Prepare(request)));

    private async Task<SchemaResponse> Announce(bool applied, ServerCallContext context)
    {
        if (applied) await ddl.AnnounceSchemaAsync(context.CancellationToken).ConfigureAwait(false);
        return new SchemaResponse { Applied = applied, SchemaVersion = ddl.Schema.Current.Version.ToString() };
    }

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException)
        {
            throw;
        }
#pragma warning disable CA1031 // every failure reaches the client as a mapped status, never as a dropped call
        catch (Exception e)
#pragma warning restore CA1031
        {
            throw ErrorMapping.ToRpcException(e);
        }
    }
}

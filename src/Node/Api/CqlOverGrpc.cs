using Google.Protobuf;
using RingStore.Client.Protos;
using RingStore.Core.Errors;
using RingStore.Node.Cql;
using ProtoColumnType = RingStore.Client.Protos.ColumnType;
using ProtoValue = RingStore.Client.Protos.Value;

namespace RingStore.Node.Api;

/// <summary>
/// The Execute and Prepare calls at the gRPC boundary: the request's values become the query engine's
/// <see cref="IBoundValues"/>, its answer (<see cref="CqlResult"/>, <see cref="CqlPrepared"/>) becomes the gRPC
/// messages. The engine itself knows nothing of the gRPC types.
/// </summary>
public static class CqlOverGrpc
{
    /// <summary>The Execute call: a one-off statement, or a prepared one by id.</summary>
    public static async Task<ExecuteResponse> ExecuteAsync(this StatementExecutor cql, ExecuteRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cql);
        ArgumentNullException.ThrowIfNull(request);
        var (statement, session) = cql.Resolve(request.Keyspace, request.Statement, request.PreparedId.Span);
        if (request.PageSize < 0) throw new InvalidRequestException($"Page size must be positive, got {request.PageSize}");
        var call = new CqlRequest(
            session.Length == 0 ? null : session,
            new TermBinder(new ProtoBoundValues(request.Values), statement.BindMarkerCount),
            ConsistencyConverter.ToCore(request.Consistency),
            request.PageSize > 0 ? request.PageSize : StatementExecutor.DefaultPageSize,
            CqlPagingState.Parse(request.PagingState.Span),
            request.HasTimestampMicros ? request.TimestampMicros : null,
            request.AllowPartialResults);
        return ToProto(await cql.ExecuteAsync(statement, call, ct).ConfigureAwait(false));
    }

    /// <summary>The Prepare call.</summary>
    public static PrepareResponse Prepare(this StatementExecutor cql, PrepareRequest request)
    {
        ArgumentNullException.ThrowIfNull(cql);
        ArgumentNullException.ThrowIfNull(request);
        var prepared = cql.Prepare(request.Keyspace, request.Statement);
        var response = new PrepareResponse
        {
            PreparedId = ByteString.CopyFrom(prepared.Id),
            Keyspace = prepared.Keyspace,
            Table = prepared.Table,
        };
        response.BindColumns.AddRange(prepared.BindColumns.Select(ToProto));
        response.ResultColumns.AddRange(prepared.ResultColumns.Select(ToProto));
        response.PartitionKeyBindIndexes.AddRange(prepared.PartitionKeyBindIndexes);
        return response;
    }

    public static ExecuteResponse ToProto(CqlResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var response = new ExecuteResponse
        {
            Kind = result.Kind switch
            {
                CqlResultKind.Rows => ExecuteResponse.Types.Kind.Rows,
                CqlResultKind.SetKeyspace => ExecuteResponse.Types.Kind.SetKeyspace,
                CqlResultKind.SchemaChange => ExecuteResponse.Types.Kind.SchemaChange,
                _ => ExecuteResponse.Types.Kind.Void,
            },
            Keyspace = result.Keyspace,
            SchemaChange = result.SchemaChange,
            SchemaVersion = result.SchemaVersion,
        };
        response.Columns.AddRange(result.Columns.Select(ToProto));
        foreach (var row in result.Rows) response.Rows.Add(ToProto(row, result.Columns));
        if (result.PagingState is { } paging) response.PagingState = ByteString.CopyFrom(paging);
        if (result.Coverage is { } coverage) response.Coverage = coverage;
        response.MissingRanges.AddRange(result.MissingRanges.Select(r => new TokenRange { StartExclusive = r.StartExclusive, EndInclusive = r.EndInclusive }));
        return response;
    }

    public static ColumnDef ToProto(CqlColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return new ColumnDef { Name = column.Name, Type = column.Type is { } type ? (ProtoColumnType)type : ProtoColumnType.Unspecified, Descending = column.Descending };
    }

    /// <summary>A row's CLR values as gRPC values, each by its column's type.</summary>
    public static ResultRow ToProto(CqlRow row, IReadOnlyList<CqlColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(columns);
        var result = new ResultRow();
        for (int i = 0; i < row.Values.Count; i++)
        {
            object? value = row.Values[i];
            result.Values.Add(value is null ? new ProtoValue()
                : ValueConverter.FromClr(columns[i].Type ?? throw new InvalidOperationException($"Result column {columns[i].Name} has no type."), value));
        }
        return result;
    }
}

/// <summary>
/// A gRPC request's bound values (and the native protocol's, which it decodes into the same values so both front ends
/// bind alike): a value with no kind is null; otherwise it must fit the column's type (<see cref="ValueConverter"/>).
/// </summary>
public sealed class ProtoBoundValues(IReadOnlyList<ProtoValue> values) : IBoundValues
{
    public int Count => values.Count;

    public object? Value(int index, Core.Schema.ColumnType type, string column) =>
        ValueConverter.IsNull(values[index]) ? null : ValueConverter.ToClr(type, values[index], column);
}

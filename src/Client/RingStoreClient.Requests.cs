using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using RingStore.Client.Protos;
using RingStore.Client.Routing;
using RingStore.Client.Sessions;
using RingStore.Core.Errors;

namespace RingStore.Client;

/// <summary>The request API of <see cref="RingStoreClient"/>: statements, prepared statements, paging, raw mutations and reads.</summary>
public sealed partial class RingStoreClient
{
    /// <summary>Runs one CQL statement with values for its ? markers.</summary>
    public Task<ResultSet> ExecuteAsync(string cql, params object?[] values) => ExecuteAsync(new SimpleStatement(cql, values));

    public async Task<ResultSet> ExecuteAsync(Statement statement, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var request = new ExecuteRequest
        {
            Statement = statement.Cql,
            Keyspace = Keyspace ?? "",
            Consistency = statement.Consistency ?? Options.DefaultConsistency,
            PageSize = statement.PageSize ?? Options.PageSize,
            TimestampMicros = statement.TimestampMicros ?? _timestamps.Next(),
            AllowPartialResults = statement.AllowPartialResults,
        };
        request.Values.AddRange(statement.BoundValues);
        if (statement.PagingState is { } paging) request.PagingState = ByteString.CopyFrom(paging);

        string? keyspace = null;
        Core.Partitioning.Token? token = null;
        bool idempotent = statement.IsIdempotent ?? !LooksLikeSchemaChange(statement.Cql);
        if (statement is BoundStatement bound)
        {
            request.PreparedId = bound.Prepared.Metadata.PreparedId;
            keyspace = bound.Prepared.Metadata.Keyspace;
            if (bound.PartitionKey is { } key) token = Metadata.TokenOf(keyspace, bound.Prepared.Metadata.Table, key);
        }
        var response = await SendAsync(keyspace, token, idempotent, statement.Timeout,
            (node, options) => SessionOrUnaryAsync(node, options,
                s => s.ExecuteAsync(request, options.Deadline!.Value, options.CancellationToken),
                () => node.Api.ExecuteAsync(request, options).ResponseAsync), ct,
            IsRead(statement.Cql) ? RequestErrorKind.ReadTimeout : RequestErrorKind.WriteTimeout, request.Consistency).ConfigureAwait(false);
        if (response.Kind == ExecuteResponse.Types.Kind.SetKeyspace) Keyspace = response.Keyspace;
        if (response.Kind == ExecuteResponse.Types.Kind.SchemaChange)
            await RefreshMetadataAsync(ct).ConfigureAwait(false); // so token-aware routing knows the new table at once
        return new ResultSet(response);
    }

    /// <summary>Parses a statement once on the cluster; bind it with values to run it (token-aware when the key is bound).</summary>
    public async Task<PreparedStatement> PrepareAsync(string cql, CancellationToken ct = default)
    {
        var request = new PrepareRequest { Statement = cql, Keyspace = Keyspace ?? "" };
        var response = await SendAsync(null, null, idempotent: true, null,
            (node, options) => node.Api.PrepareAsync(request, options).ResponseAsync, ct).ConfigureAwait(false);
        return new PreparedStatement(cql, response);
    }

    /// <summary>Every row of a SELECT, fetching further pages as the caller iterates.</summary>
    public async IAsyncEnumerable<Row> QueryAsync(Statement statement, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        byte[]? paging = statement.PagingState;
        do
        {
            statement.PagingState = paging;
            var page = await ExecuteAsync(statement, ct).ConfigureAwait(false);
            foreach (var row in page.Rows) yield return row;
            paging = page.PagingState;
        }
        while (paging is not null);
    }

    /// <summary>
    /// Writes mutations (one request; token-aware on the first mutation's partition). Idempotent when timestamps are set.
    /// The response carries the node's warnings (batch size, large values), as <see cref="ResultSet.Warnings"/> does for statements.
    /// </summary>
    public Task<MutateResponse> MutateAsync(IEnumerable<Mutation> mutations, Consistency? consistency = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(mutations);
        var request = new MutateRequest { Consistency = consistency ?? Options.DefaultConsistency };
        request.Mutations.AddRange(mutations);
        if (request.Mutations.Count == 0) throw new ArgumentException("No mutations.", nameof(mutations));
        long timestamp = _timestamps.Next();
        foreach (var m in request.Mutations.Where(m => !m.HasTimestampMicros)) m.TimestampMicros = timestamp;
        var first = request.Mutations[0];
        var token = Metadata.TokenOf(first.Keyspace, first.Table, first.PartitionKey);
        return SendAsync(first.Keyspace, token, idempotent: true, null,
            (node, options) => SessionOrUnaryAsync(node, options,
                s => s.MutateAsync(request, options.Deadline!.Value, options.CancellationToken),
                () => node.Api.MutateAsync(request, options).ResponseAsync), ct, RequestErrorKind.WriteTimeout, request.Consistency);
    }

    /// <summary>Reads one page of a partition slice (token-aware).</summary>
    public Task<ReadResponse> ReadAsync(ReadRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Consistency == Consistency.Default) request.Consistency = Options.DefaultConsistency;
        var token = Metadata.TokenOf(request.Keyspace, request.Table, request.PartitionKey);
        return SendAsync(request.Keyspace, token, idempotent: true, null,
            (node, options) => SessionOrUnaryAsync(node, options,
                s => s.ReadAsync(request, options.Deadline!.Value, options.CancellationToken),
                () => node.Api.ReadAsync(request, options).ResponseAsync), ct, RequestErrorKind.ReadTimeout, request.Consistency);
    }

    /// <summary>Every row of a partition slice, page by page.</summary>
    public async IAsyncEnumerable<Row> ReadAllAsync(ReadRequest request, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = request.Clone();
        while (true)
        {
            var response = await ReadAsync(page, ct).ConfigureAwait(false);
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < response.Columns.Count; i++) index.TryAdd(response.Columns[i].Name, i);
            foreach (var row in response.Rows) yield return new Row(index, row.Values);
            if (response.PagingState.IsEmpty) yield break;
            page.PagingState = response.PagingState;
        }
    }

    /// <summary>Cluster status as one node sees it (nodetool status).</summary>
    public Task<StatusResponse> StatusAsync(string? keyspace = null, CancellationToken ct = default) =>
        SendAsync(null, null, idempotent: true, null,
            (node, options) => node.Api.StatusAsync(new StatusRequest { Keyspace = keyspace ?? "" }, options).ResponseAsync, ct);

    /// <summary>
    /// Over the node's session when <see cref="RingStoreClientOptions.UseSessions"/> is on; a request the session
    /// refuses as too large (ResourceExhausted, nothing sent) goes as a unary call instead.
    /// </summary>
    private async Task<T> SessionOrUnaryAsync<T>(NodeConnection node, CallOptions options, Func<RingStoreSession, Task<T>> viaSession,
        Func<Task<T>> unary)
    {
        if (!Options.UseSessions) return await unary().ConfigureAwait(false);
        try
        {
            return await viaSession(node.Session()).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted && !options.CancellationToken.IsCancellationRequested)
        {
            return await unary().ConfigureAwait(false);
        }
    }

    /// <summary>SELECT (and other statements that change nothing) time out as reads; everything else as writes.</summary>
    private static bool IsRead(string cql)
    {
        var trimmed = cql.TrimStart();
        return trimmed.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("DESCRIBE", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("USE", StringComparison.OrdinalIgnoreCase);
    }

    private static bool LooksLikeSchemaChange(string cql)
    {
        var trimmed = cql.TrimStart();
        return trimmed.StartsWith("CREATE", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("DROP", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("TRUNCATE", StringComparison.OrdinalIgnoreCase);
    }
}

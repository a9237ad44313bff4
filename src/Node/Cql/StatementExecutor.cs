using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using ColumnType = RingStore.Core.Schema.ColumnType;
using RingStore.Cql;
using RingStore.Cql.Ast;
using RingStore.Node.Requests;
using RingStore.Node.Schema;
using RingStore.Storage.Engine;

namespace RingStore.Node.Cql;

/// <summary>
/// Executes CQL statements on this node as coordinator: parse (or take the prepared parse), bind the '?' values,
/// then schema changes through the schema manager, writes through the write coordinator (every partition update
/// built and validated before any is sent, so a bad statement or batch writes nothing), reads through the read
/// and range-read coordinators. One instance per node; it owns the node's prepared-statement cache.
/// </summary>
public sealed class StatementExecutor
{
    public const int DefaultPageSize = 5000;

    private readonly SchemaManager _schemaManager;
    private readonly Requests.ClientWrites _writes;
    private readonly SelectExecutor _select;
    private readonly SchemaStatementExecutor _schema;

    public StatementExecutor(SchemaManager schemaManager, Requests.ClientWrites writes, SelectExecutor select, SchemaStatementExecutor schemaStatements)
    {
        _schemaManager = schemaManager;
        _writes = writes;
        _select = select;
        _schema = schemaStatements;
    }

    public PreparedStatementCache Prepared { get; } = new();

    /// <summary>Where this executor's writes go (the native protocol's prepared-INSERT fast path writes through it too).</summary>
    public Requests.ClientWrites Writes => _writes;

    /// <summary>
    /// The statement an Execute names: a one-off statement's text, or a prepared one by id (re-parsed from its text if
    /// this node has not seen the id). A prepared statement keeps the keyspace it was prepared in, as in Cassandra.
    /// </summary>
    public (CqlStatement Statement, string Keyspace) Resolve(string keyspace, string text, ReadOnlySpan<byte> preparedId)
    {
        ArgumentNullException.ThrowIfNull(keyspace);
        if (preparedId.IsEmpty) return (CqlParser.Parse(text), keyspace);
        if (Prepared.TryGet(preparedId, out var prepared)) return (prepared!.Statement, prepared.Keyspace.Length > 0 ? prepared.Keyspace : keyspace);
        return (Prepared.GetOrParse(keyspace, text).Statement, keyspace);
    }

    /// <summary>Set when the password authenticator is on: checks every statement first and runs the role statements.</summary>
    public Security.Auth.AuthService? Auth { get; set; }

    public Task<CqlResult> ExecuteAsync(CqlStatement statement, CqlRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(request);
        if (Auth is { } auth) return auth.ExecuteAsync(statement, request, RunAsync, ct);
        if (statement is RoleStatement) return Task.FromException<CqlResult>(new InvalidRequestException(Security.Auth.AuthService.DisabledMessage));
        return RunAsync(statement, request, ct);
    }

    private Task<CqlResult> RunAsync(CqlStatement statement, CqlRequest request, CancellationToken ct)
    {
        return statement switch
        {
            SelectStatement select => _select.ExecuteAsync(select, request, ct),
            ModificationStatement modification => WriteAsync([modification], UsingClause.None, request, ct),
            BatchStatement batch => WriteAsync(batch.Statements, batch.Using, request, ct,
                batch.Kind == BatchKind.Logged ? WriteBatchKind.Logged : WriteBatchKind.Unlogged),
            _ => _schema.ExecuteAsync(statement, request.SessionKeyspace, ct),
        };
    }

    /// <summary>PREPARE (the Prepare RPC, the native PREPARE): parse once, cache, describe the markers, the result columns and the table.</summary>
    public CqlPrepared Prepare(string keyspace, string statement)
    {
        ArgumentNullException.ThrowIfNull(keyspace);
        var prepared = Prepared.GetOrParse(keyspace, statement);
        var meta = BindMetadata.Of(prepared.Statement, _schemaManager.Current, keyspace.Length == 0 ? null : keyspace);
        IReadOnlyList<CqlColumn> result = prepared.Statement is SelectStatement select ? Selection.Build(meta.Table!, select).Columns : [];
        return new CqlPrepared(prepared.Id, meta.Keyspace, meta.Table?.Name ?? "", meta.Columns, result, meta.PartitionKeyIndexes);
    }

    /// <summary>
    /// INSERT/UPDATE/DELETE or a BATCH of them: one timestamp for all (USING TIMESTAMP, else the batch's, else the
    /// client's, else now); folding, validation and coordination are <see cref="Requests.ClientWrites"/>'.
    /// </summary>
    private async Task<CqlResult> WriteAsync(IReadOnlyList<ModificationStatement> statements, UsingClause batchUsing, CqlRequest request, CancellationToken ct,
        WriteBatchKind kind = WriteBatchKind.None)
    {
        var now = _writes.Now();
        long timestamp = request.ClientTimestampMicros ?? now.Micros;
        if (batchUsing.Timestamp is not null)
        {
            timestamp = (long)(request.Binder.Value(batchUsing.Timestamp, ColumnType.BigInt, "[timestamp]")
                ?? throw new InvalidRequestException("Invalid null value of timestamp"));
        }

        var schema = _schemaManager.Current;
        var updates = new List<(TableSchema Table, PartitionUpdate Update)>();
        foreach (var statement in statements)
        {
            var table = TableResolver.Table(schema, statement.Table, request.SessionKeyspace);
            foreach (var update in ModificationBuilder.Build(table, statement, request.Binder, timestamp, now.Seconds)) updates.Add((table, update));
        }
        await _writes.WriteAsync(updates, request.Consistency, ct, kind).ConfigureAwait(false);
        return new CqlResult { Kind = CqlResultKind.Void };
    }
}

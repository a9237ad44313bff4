using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Cql;
using RingStore.Cql.Ast;
using RingStore.Node.Cql;
using ColumnType = RingStore.Core.Schema.ColumnType;
using ProtoValue = RingStore.Client.Protos.Value;

namespace RingStore.Node.Native;

/// <summary>
/// Runs QUERY, EXECUTE, PREPARE and BATCH through the node's one <see cref="StatementExecutor"/> (the same path as the
/// gRPC Execute call): binds the [value]s by the type of the column each marker meets, then turns the executor's answer
/// into a RESULT body. SELECTs on the system keyspaces are answered by <see cref="SystemTables.SystemTableQuery"/>.
/// </summary>
/// <param name="cql">The node's statement executor (and its prepared-statement cache).</param>
/// <param name="schema">Types the bind markers by their columns.</param>
/// <param name="auth">The node's authenticator and authorizer; null when RingStore:Authenticator is "none".</param>
/// <param name="system">What the virtual system tables are built from.</param>
/// <param name="fastInsert">Prepared INSERTs' fast path (null: every statement through the executor).</param>
public sealed class NativeStatementRunner(StatementExecutor cql, Schema.SchemaManager schema, Security.Auth.AuthService? auth,
    SystemTables.SystemTableSources system, NativeFastInsert? fastInsert = null)
{
    /// <summary>The node's authenticator and authorizer; null when RingStore:Authenticator is "none".</summary>
    public Security.Auth.AuthService? Auth => auth;

    /// <summary>A RESULT body writer plus the warnings the request collected (guardrails, partial results, replicas).</summary>
    public sealed record Outcome(Action<NativeWriter> Body, IReadOnlyCollection<string> Warnings, string? NewKeyspace = null);

    public async Task<Outcome> QueryAsync(QueryRequest request, string? sessionKeyspace, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var statement = CqlParser.Parse(request.Query);
        return await RunAsync(statement, sessionKeyspace, request.Parameters, ct).ConfigureAwait(false);
    }

    public async Task<Outcome> ExecuteAsync(ExecuteRequest request, string? sessionKeyspace, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!cql.Prepared.TryGet(request.Id, out var prepared)) throw new UnpreparedException(request.Id);
        // A prepared statement keeps the keyspace it was prepared in, as in Cassandra.
        string? keyspace = prepared!.Keyspace.Length > 0 ? prepared.Keyspace : sessionKeyspace;
        // A prepared INSERT goes straight from the bound bytes to the write when it can (not with authentication on:
        // its permission checks are the executor's); anything else, or any value the fast path might refuse, runs here.
        if (cql.Auth is null && fastInsert?.TryExecute(prepared, keyspace, request.Parameters, ct) is { } fast) return await fast.ConfigureAwait(false);
        return await RunAsync(prepared.Statement, keyspace, request.Parameters, ct).ConfigureAwait(false);
    }

    public NativePrepared Prepare(PrepareRequest request, string? sessionKeyspace)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = cql.Prepare(sessionKeyspace ?? "", request.Query);
        var prepared = cql.Prepared.GetOrParse(sessionKeyspace ?? "", request.Query);
        var bind = response.BindColumns.Select(c => new NativeColumn(c.Name, TypeOf(c.Type))).ToList();
        IReadOnlyList<NativeColumn>? result = prepared.Statement is SelectStatement
            ? response.ResultColumns.Select(c => new NativeColumn(c.Name, TypeOf(c.Type))).ToList()
            : null;
        return new NativePrepared(response.Id, response.Keyspace, response.Table, bind, response.PartitionKeyBindIndexes, result);
    }

    /// <summary>
    /// A BATCH: the statements' texts (prepared ones by their text) joined into one BEGIN BATCH ... APPLY BATCH, so
    /// the executor sees the same batch as from the CQL text (markers numbered across the statements in order, one
    /// timestamp, per-partition merging); each statement's values must match its own markers.
    /// </summary>
    public async Task<Outcome> BatchAsync(BatchRequest request, string? sessionKeyspace, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Type == 2) throw new InvalidRequestException("Counter batches are not supported: RingStore has no counter columns");
        string? keyspace = sessionKeyspace;
        var texts = new List<string>(request.Statements.Count);
        var values = new List<NativeValue>();
        bool allPrepared = true;
        foreach (var child in request.Statements)
        {
            CqlStatement statement;
            string text;
            if (child.Id is not null)
            {
                if (!cql.Prepared.TryGet(child.Id, out var prepared)) throw new UnpreparedException(child.Id);
                statement = prepared!.Statement;
                text = prepared.Text;
                if (prepared.Keyspace.Length > 0) keyspace = prepared.Keyspace;
            }
            else
            {
                allPrepared = false;
                text = child.Query!;
                statement = CqlParser.Parse(text);
            }
            if (statement is not ModificationStatement)
                throw new InvalidRequestException("Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.");
            if (statement.BindMarkerCount != child.Values.Count)
                throw new InvalidRequestException($"There were {statement.BindMarkerCount} markers(?) in CQL but {child.Values.Count} bound variables");
            texts.Add(text.TrimEnd().TrimEnd(';'));
            values.AddRange(child.Values);
        }
        if (texts.Count == 0) return new Outcome(NativeResultEncoder.Void, []);
        string combined = (request.Type == 1 ? "BEGIN UNLOGGED BATCH\n" : "BEGIN BATCH\n") + string.Join(";\n", texts) + ";\nAPPLY BATCH";
        var batch = allPrepared ? cql.Prepared.GetOrParse(keyspace ?? "", combined).Statement : CqlParser.Parse(combined);
        var parameters = new NativeQueryParameters(request.Consistency, values, null, false, -1, null, request.SerialConsistency, request.DefaultTimestamp);
        return await RunAsync(batch, keyspace, parameters, ct).ConfigureAwait(false);
    }

    private async Task<Outcome> RunAsync(CqlStatement statement, string? keyspace, NativeQueryParameters parameters, CancellationToken ct)
    {
        if (statement is SelectStatement onSystem && SystemTables.SystemTableQuery.IsSystemKeyspace(onSystem.Table.Keyspace ?? keyspace))
        {
            var rows = SystemTables.SystemTableQuery.Select(system, onSystem, onSystem.Table.Keyspace ?? keyspace!);
            return new Outcome(w => NativeResultEncoder.Rows(w, rows, skipMetadata: false), []);
        }
        var request = new CqlRequest(
            keyspace,
            new TermBinder(new Api.ProtoBoundValues(Bind(statement, keyspace, parameters)), statement.BindMarkerCount),
            Consistency(parameters.Consistency),
            parameters.PageSize > 0 ? parameters.PageSize : StatementExecutor.DefaultPageSize,
            parameters.PagingState is { Length: > 0 } state ? CqlPagingState.Parse(state) : null,
            parameters.DefaultTimestamp);
        // Guardrails and replicas add their warnings to the request's ambient collector (as for gRPC's Execute); they
        // go back in the RESULT frame's [string list] with the Warning flag.
        using var collected = Requests.ClientWarnings.Begin();
        var response = await cql.ExecuteAsync(statement, request, ct).ConfigureAwait(false);
        IReadOnlyCollection<string> warnings = collected.Messages;
        switch (response.Kind)
        {
            case CqlResultKind.Rows:
            {
                // LIST ROLES / LIST PERMISSIONS answer rows too, from system_auth.
                var table = statement is SelectStatement select ? (select.Table.Keyspace ?? keyspace ?? "", select.Table.Name) : ("system_auth", "roles");
                var columns = response.Columns.Select(c => new NativeColumn(c.Name, TypeOf(c.Type))).ToList();
                var encoded = response.Rows.Select(r => r.Values.Select((v, i) => NativeValueCodec.Encode(columns[i].Type, v)).ToArray()).ToList();
                var rows = new NativeRows(table.Item1, table.Item2, columns, encoded, response.PagingState);
                bool skip = parameters.SkipMetadata;
                return new Outcome(w => NativeResultEncoder.Rows(w, rows, skip), warnings);
            }
            case CqlResultKind.SetKeyspace:
            {
                string ks = response.Keyspace;
                return new Outcome(w => NativeResultEncoder.SetKeyspace(w, ks), warnings, ks);
            }
            case CqlResultKind.SchemaChange when NativeSchemaChange.Parse(response.SchemaChange) is { } change:
                return new Outcome(w => NativeResultEncoder.SchemaChange(w, change), warnings);
            default:
                return new Outcome(NativeResultEncoder.Void, warnings);
        }
    }

    /// <summary>The [value]s as the API's values, typed by the column each marker meets (named values matched by name).</summary>
    private List<ProtoValue> Bind(CqlStatement statement, string? keyspace, NativeQueryParameters parameters)
    {
        int markers = statement.BindMarkerCount;
        if (markers == 0 || parameters.Values.Count == 0)
        {
            return parameters.Values.Count == 0 ? [] : throw new InvalidRequestException($"There were {markers} markers(?) in CQL but {parameters.Values.Count} bound variables");
        }
        var columns = BindMetadata.Of(statement, schema.Current, keyspace).Columns;
        var ordered = new NativeValue[parameters.Values.Count];
        if (parameters.Names is { } names)
        {
            if (names.Count != markers) throw new InvalidRequestException($"There were {markers} markers(?) in CQL but {names.Count} bound variables");
            for (int i = 0; i < markers; i++)
            {
                int at = IndexOf(names, columns[i].Name);
                ordered[i] = at >= 0 ? parameters.Values[at] : throw new InvalidRequestException($"Invalid unset or missing value for bind variable {columns[i].Name}");
            }
        }
        else
        {
            for (int i = 0; i < ordered.Length; i++) ordered[i] = parameters.Values[i];
        }
        var bound = new List<ProtoValue>(ordered.Length);
        for (int i = 0; i < ordered.Length; i++)
        {
            var value = ordered[i];
            string name = i < columns.Count ? columns[i].Name : $"[{i}]";
            if (value.IsUnset) throw new InvalidRequestException($"Unset value for {name}: RingStore does not support unset bind values");
            if (value.Bytes is null || i >= columns.Count || columns[i].Type is null)
            {
                bound.Add(value.Bytes is null ? new ProtoValue() : throw new InvalidRequestException($"Cannot bind a value to {name}"));
                continue;
            }
            bound.Add(NativeValueCodec.ToProto(columns[i].Type!.Value, value.Bytes, name));
        }
        return bound;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }

    /// <summary>The native codes are Core's values; SERIAL/LOCAL_SERIAL need LWT, which RingStore does not have.</summary>
    public static ConsistencyLevel Consistency(ushort code) => code switch
    {
        <= 7 or 10 => (ConsistencyLevel)code,
        8 or 9 => throw new InvalidRequestException("SERIAL and LOCAL_SERIAL consistency are for lightweight transactions, which RingStore does not have"),
        _ => throw new NativeProtocolException($"Unknown consistency level {code}"),
    };

    private static NativeType TypeOf(ColumnType? type) => type is { } known ? NativeType.Of(known) : NativeType.Blob;
}

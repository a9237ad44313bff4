using RingStore.Core.Errors;
using RingStore.Cql.Ast;
using RingStore.Node.Requests;
using RingStore.Node.Schema;

namespace RingStore.Node.Cql;

/// <summary>
/// CREATE/DROP KEYSPACE, TABLE and INDEX (through the schema manager, then pushed to live peers), USE and TRUNCATE.
/// A change answers SCHEMA_CHANGE ("CREATED TABLE ks.t"); IF [NOT] EXISTS that made it a no-op answers VOID.
/// </summary>
public sealed class SchemaStatementExecutor(SchemaManager schema, TruncateCoordinator truncation, Func<CancellationToken, Task<int>> announceSchema)
{
    public async Task<CqlResult> ExecuteAsync(CqlStatement statement, string? sessionKeyspace, CancellationToken ct)
    {
        switch (statement)
        {
            case CreateKeyspaceStatement create:
                return await Changed(schema.CreateKeyspace(KeyspaceBuilder.Build(create), create.IfNotExists), $"CREATED KEYSPACE {create.Keyspace}", ct)
                    .ConfigureAwait(false);
            case DropKeyspaceStatement drop:
                if (!drop.IfExists && !schema.Current.TryGetKeyspace(drop.Keyspace, out _))
                    throw new InvalidRequestException($"Keyspace '{drop.Keyspace}' doesn't exist");
                return await Changed(schema.DropKeyspace(drop.Keyspace, drop.IfExists), $"DROPPED KEYSPACE {drop.Keyspace}", ct).ConfigureAwait(false);
            case CreateTableStatement create:
            {
                string keyspace = TableResolver.Keyspace(create.Table.Keyspace, sessionKeyspace);
                TableResolver.RequireKeyspace(schema.Current, keyspace);
                var table = TableBuilder.Build(keyspace, create);
                return await Changed(schema.CreateTable(table, create.IfNotExists), $"CREATED TABLE {table.FullName}", ct).ConfigureAwait(false);
            }
            case DropTableStatement drop:
            {
                string keyspace = TableResolver.Keyspace(drop.Table.Keyspace, sessionKeyspace);
                if (!drop.IfExists)
                {
                    TableResolver.RequireKeyspace(schema.Current, keyspace);
                    if (!schema.Current.TryGetTable(keyspace, drop.Table.Name, out _))
                        throw new InvalidRequestException($"Table '{keyspace}.{drop.Table.Name}' doesn't exist");
                }
                return await Changed(schema.DropTable(keyspace, drop.Table.Name, drop.IfExists), $"DROPPED TABLE {keyspace}.{drop.Table.Name}", ct)
                    .ConfigureAwait(false);
            }
            case CreateIndexStatement create:
            {
                var table = TableResolver.Table(schema.Current, create.Table, sessionKeyspace);
                var index = new Core.Schema.IndexDefinition(create.Name ?? $"{table.Name}_{create.Column}_idx", create.Column, Guid.NewGuid());
                // Cassandra reports an index change as an update of its table.
                return await Changed(schema.CreateIndex(table.Keyspace, table.Name, index, create.IfNotExists), $"UPDATED TABLE {table.FullName}", ct)
                    .ConfigureAwait(false);
            }
            case DropIndexStatement drop:
            {
                string keyspace = TableResolver.Keyspace(drop.Index.Keyspace, sessionKeyspace);
                TableResolver.RequireKeyspace(schema.Current, keyspace);
                var table = schema.DropIndex(keyspace, drop.Index.Name, drop.IfExists);
                return await Changed(table is not null, $"UPDATED TABLE {table?.FullName}", ct).ConfigureAwait(false);
            }
            case UseStatement use:
                TableResolver.RequireKeyspace(schema.Current, use.Keyspace);
                return new CqlResult { Kind = CqlResultKind.SetKeyspace, Keyspace = use.Keyspace };
            case TruncateStatement truncate:
            {
                var table = TableResolver.Table(schema.Current, truncate.Table, sessionKeyspace);
                await truncation.TruncateAsync(table.FullName, ct).ConfigureAwait(false);
                return new CqlResult { Kind = CqlResultKind.Void };
            }
            default:
                throw new ArgumentException($"Not a schema statement: {statement.GetType().Name}", nameof(statement));
        }
    }

    private async Task<CqlResult> Changed(bool applied, string change, CancellationToken ct)
    {
        if (!applied) return new CqlResult { Kind = CqlResultKind.Void, SchemaVersion = schema.Current.Version.ToString() };
        await announceSchema(ct).ConfigureAwait(false);
        return new CqlResult
        {
            Kind = CqlResultKind.SchemaChange,
            SchemaChange = change,
            SchemaVersion = schema.Current.Version.ToString(),
        };
    }
}

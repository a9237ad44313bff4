using RingStore.Core.Errors;
using RingStore.Core.Schema;

namespace RingStore.Node.Schema;

/// <summary>
/// The node's schema: DDL (create/drop keyspace and table) and merges of schemas from peers. Every change is
/// persisted through <see cref="SchemaStore"/> before it becomes <see cref="Current"/> (so an acknowledged DDL
/// survives a crash), then <see cref="Changed"/> is raised. Changes are serialised by one lock; readers take
/// <see cref="Current"/> (an immutable snapshot) without locking.
/// </summary>
public sealed partial class SchemaManager
{
    private readonly SchemaStore _store;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private SchemaSnapshot _current;

    /// <summary>Loads the saved schema (empty for a new node); a damaged file throws, naming it.</summary>
    public SchemaManager(SchemaStore store, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _store = store;
        _time = timeProvider;
        _current = store.Load();
    }

    /// <summary>
    /// Raised after each change, on the thread that made it, while changes are still serialised, so handlers see
    /// changes one at a time and in order (the node creates and drops storage tables here). A handler exception
    /// propagates to the caller of the change, which has already been applied.
    /// </summary>
    public event Action<SchemaChange>? Changed;

    public SchemaSnapshot Current => Volatile.Read(ref _current);

    /// <summary>CREATE KEYSPACE [IF NOT EXISTS]. Returns false when it exists and <paramref name="ifNotExists"/> is set.</summary>
    public bool CreateKeyspace(KeyspaceDefinition keyspace, bool ifNotExists)
    {
        ArgumentNullException.ThrowIfNull(keyspace);
        lock (_gate)
        {
            if (_current.TryGetKeyspace(keyspace.Name, out _))
            {
                return ifNotExists ? false : throw new AlreadyExistsException(keyspace.Name, null);
            }

            Apply(_current.With(KeyspaceEntry.Created(keyspace, NextTimestampMicros())));
            return true;
        }
    }

    /// <summary>DROP KEYSPACE [IF EXISTS], with all its tables. Returns false when it is absent and <paramref name="ifExists"/> is set.</summary>
    public bool DropKeyspace(string name, bool ifExists)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            if (!_current.TryGetKeyspace(name, out _))
            {
                return ifExists ? false : throw new InvalidRequestException($"Cannot drop keyspace '{name}': it does not exist.");
            }

            long now = NextTimestampMicros();
            // Table tombstones as well as the keyspace's drop time: the tables' own entries then say they are gone.
            var next = _current.With(KeyspaceEntry.Dropped(name, now));
            foreach (var table in _current.TablesOf(name))
            {
                next = next.With(TableEntry.Dropped(table.Keyspace, table.Name, now));
            }

            Apply(next);
            return true;
        }
    }

    /// <summary>
    /// CREATE TABLE [IF NOT EXISTS]. The keyspace must exist. Returns false when the table exists and
    /// <paramref name="ifNotExists"/> is set. Invalid definitions throw <see cref="InvalidRequestException"/>.
    /// </summary>
    public bool CreateTable(TableSchema table, bool ifNotExists)
    {
        ArgumentNullException.ThrowIfNull(table);
        TableValidator.Validate(table);
        lock (_gate)
        {
            if (!_current.TryGetKeyspace(table.Keyspace, out _))
            {
                throw new InvalidRequestException($"Cannot create table {table.FullName}: keyspace '{table.Keyspace}' does not exist.");
            }

            if (_current.TryGetTable(table.Keyspace, table.Name, out _))
            {
                return ifNotExists ? false : throw new AlreadyExistsException(table.Keyspace, table.Name);
            }

            Apply(_current.With(TableEntry.Created(table, NextTimestampMicros())));
            return true;
        }
    }

    /// <summary>DROP TABLE [IF EXISTS]. Returns false when it is absent and <paramref name="ifExists"/> is set.</summary>
    public bool DropTable(string keyspace, string table, bool ifExists)
    {
        ArgumentNullException.ThrowIfNull(keyspace);
        ArgumentNullException.ThrowIfNull(table);
        lock (_gate)
        {
            if (!_current.TryGetTable(keyspace, table, out _))
            {
                return ifExists ? false : throw new InvalidRequestException($"Cannot drop table {keyspace}.{table}: it does not exist.");
            }

            Apply(_current.With(TableEntry.Dropped(keyspace, table, NextTimestampMicros())));
            return true;
        }
    }

    /// <summary>Merges a peer's schema into ours. Returns true if ours changed (then it was saved and announced).</summary>
    public bool MergeRemote(SchemaSnapshot remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        lock (_gate)
        {
            var merged = _current.Merge(remote);
            if (merged.Equals(_current))
            {
                return false;
            }

            Apply(merged);
            return true;
        }
    }

    // Durable first: if the save throws, Current stays as it was and the caller sees the error.
    private void Apply(SchemaSnapshot next)
    {
        _store.Save(next);
        var before = _current;
        Volatile.Write(ref _current, next);
        Changed?.Invoke(new SchemaChange(before, next));
    }

    // The wall clock in µs, but always past every timestamp already in the schema: with clock skew a node behind
    // the others would otherwise create a table that loses to the keyspace drop it has already seen, or a drop
    // that loses to the create it is meant to undo.
    private long NextTimestampMicros()
    {
        long now = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        long floor = _current.MaxTimestampMicros == long.MinValue ? long.MinValue : _current.MaxTimestampMicros + 1;
        return Math.Max(now, floor);
    }
}

namespace RingStore.Cql.Ast;

/// <summary>The data permissions of Cassandra's CassandraAuthorizer, as flags so a grant can hold several.</summary>
[Flags]
public enum CqlPermission
{
    None = 0,
    /// <summary>SELECT on a table (reads).</summary>
    Select = 1,
    /// <summary>INSERT, UPDATE, DELETE, BATCH and TRUNCATE.</summary>
    Modify = 2,
    /// <summary>CREATE KEYSPACE (on ALL KEYSPACES), CREATE TABLE (on the keyspace).</summary>
    Create = 4,
    /// <summary>ALTER KEYSPACE / TABLE (RingStore has no ALTER yet; granted and listed as in Cassandra).</summary>
    Alter = 8,
    /// <summary>DROP KEYSPACE / TABLE.</summary>
    Drop = 16,
    /// <summary>GRANT and REVOKE of the permissions one holds, on the resource.</summary>
    Authorize = 32,
    All = Select | Modify | Create | Alter | Drop | Authorize,
}

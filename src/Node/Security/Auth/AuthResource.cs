using RingStore.Cql.Ast;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// A resolved data resource: all keyspaces (the root), one keyspace, or one table. Stored in system_auth as
/// Cassandra's names ("data", "data/ks", "data/ks/t"); a permission on a resource also holds on everything under it.
/// </summary>
public sealed record AuthResource(string? Keyspace, string? Table)
{
    public static AuthResource Root { get; } = new(null, null);

    public static AuthResource OfKeyspace(string keyspace) => new(keyspace, null);

    public static AuthResource OfTable(string keyspace, string table) => new(keyspace, table);

    public bool IsRoot => Keyspace is null;

    public bool IsTable => Table is not null;

    /// <summary>The enclosing resource (table -> keyspace -> root); null for the root.</summary>
    public AuthResource? Parent => Table is not null ? OfKeyspace(Keyspace!) : Keyspace is not null ? Root : null;

    /// <summary>What may be granted here: everything but CREATE on a table (a table holds no tables), as Cassandra.</summary>
    public CqlPermission Applicable => IsTable ? CqlPermission.All & ~CqlPermission.Create : CqlPermission.All;

    /// <summary>"data", "data/ks", "data/ks/t".</summary>
    public string Name => Table is not null ? $"data/{Keyspace}/{Table}" : Keyspace is not null ? $"data/{Keyspace}" : "data";

    /// <summary>As LIST PERMISSIONS shows it: &lt;all keyspaces&gt;, &lt;keyspace ks&gt;, &lt;table ks.t&gt;.</summary>
    public override string ToString() => Table is not null ? $"<table {Keyspace}.{Table}>" : Keyspace is not null ? $"<keyspace {Keyspace}>" : "<all keyspaces>";

    /// <summary>Parses <see cref="Name"/>; null for anything else (a damaged row is skipped, never widened to the root).</summary>
    public static AuthResource? Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.Split('/');
        if (parts[0] != "data" || parts.Length > 3 || parts.Skip(1).Any(string.IsNullOrEmpty)) return null;
        return parts.Length switch
        {
            1 => Root,
            2 => OfKeyspace(parts[1]),
            _ => OfTable(parts[1], parts[2]),
        };
    }

    /// <summary>A statement's resource with the session keyspace filled in for a bare table name.</summary>
    public static AuthResource From(DataResource resource, string? sessionKeyspace)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return resource.Kind switch
        {
            DataResourceKind.AllKeyspaces => Root,
            DataResourceKind.Keyspace => OfKeyspace(resource.Keyspace!),
            _ => OfTable(resource.Keyspace ?? sessionKeyspace ?? throw new Core.Errors.InvalidRequestException(
                "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename"), resource.Table!),
        };
    }
}

using RingStore.Cql.Ast;

namespace RingStore.Node.Security.Auth;

/// <summary>The permission names stored in system_auth.role_permissions and shown by LIST PERMISSIONS.</summary>
public static class PermissionNames
{
    public static IReadOnlyList<CqlPermission> Each { get; } =
        [CqlPermission.Create, CqlPermission.Alter, CqlPermission.Drop, CqlPermission.Select, CqlPermission.Modify, CqlPermission.Authorize];

    public static string Name(CqlPermission single) => single.ToString().ToUpperInvariant();

    /// <summary>The single permissions in <paramref name="set"/>, in Cassandra's listing order.</summary>
    public static IEnumerable<CqlPermission> Split(CqlPermission set) => Each.Where(p => (set & p) != 0);

    public static CqlPermission Parse(string name) =>
        Each.FirstOrDefault(p => string.Equals(Name(p), name, StringComparison.Ordinal));
}

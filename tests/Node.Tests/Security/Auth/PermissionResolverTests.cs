using CsCheck;
using RingStore.Cql.Ast;
using RingStore.Node.Security.Auth;

namespace RingStore.Node.Tests.Security.Auth;

/// <summary>
/// Resolution against a reference model: a role may do p on r exactly when some role it reaches through grants of
/// roles (itself included) is a superuser, or was granted p on r or on a resource above r. Random role graphs, cycles
/// and grants to missing roles included.
/// </summary>
public sealed class PermissionResolverTests
{
    private static readonly string[] Names = ["a", "b", "c", "d", "e"];
    private static readonly AuthResource[] Resources =
    [
        AuthResource.Root, AuthResource.OfKeyspace("k1"), AuthResource.OfKeyspace("k2"),
        AuthResource.OfTable("k1", "t1"), AuthResource.OfTable("k1", "t2"), AuthResource.OfTable("k2", "t1"),
    ];

    private static readonly Gen<CqlPermission> GenPermission = Gen.Int[0, 63].Select(i => (CqlPermission)i);

    /// <summary>3-5 roles (some missing from the table: grants to roles that were dropped), random memberships and grants.</summary>
    private static readonly Gen<(Dictionary<string, RoleRecord> Roles, List<PermissionGrant> Grants)> GenWorld =
        Gen.Select(
            Gen.Select(Gen.Bool, Gen.Int[0, 9], Gen.OneOf(Names).Array[0, 3]).Array[5],
            Gen.Select(Gen.OneOf(Names), Gen.OneOf(Resources), GenPermission).Array[0, 12])
        .Select((roles, grants) =>
        {
            var table = new Dictionary<string, RoleRecord>(StringComparer.Ordinal);
            for (int i = 0; i < Names.Length; i++)
            {
                var (super, exists, memberOf) = roles[i];
                if (exists == 0 && i > 0) continue; // sometimes missing (not "a": the one we resolve)
                table[Names[i]] = new RoleRecord(Names[i], super && exists < 2, true, null, memberOf.Distinct().ToList());
            }
            return (table, grants.Select(g => new PermissionGrant(g.Item1, g.Item2, g.Item3)).ToList());
        });

    [Fact]
    public void Allows_matches_the_reference_model_for_random_role_graphs()
    {
        Gen.Select(GenWorld, Gen.OneOf(Resources), Gen.OneOf(PermissionNames.Each.ToArray())).Sample((world, resource, permission) =>
        {
            var (roles, grants) = world;
            var resolved = PermissionResolver.Resolve("a", n => roles.GetValueOrDefault(n), n => grants.Where(g => g.Role == n));
            Assert.Equal(Reference(roles, grants, "a", permission, resource), resolved.Allows(permission, resource));
        }, iter: 3000);
    }

    [Fact]
    public void Adding_a_grant_or_a_membership_never_takes_a_permission_away()
    {
        Gen.Select(GenWorld, Gen.Select(Gen.OneOf(Names), Gen.OneOf(Resources), GenPermission), Gen.OneOf(Resources)).Sample((world, extra, probe) =>
        {
            var (roles, grants) = world;
            var before = PermissionResolver.Resolve("a", n => roles.GetValueOrDefault(n), n => grants.Where(g => g.Role == n));
            var more = grants.Append(new PermissionGrant(extra.Item1, extra.Item2, extra.Item3)).ToList();
            var after = PermissionResolver.Resolve("a", n => roles.GetValueOrDefault(n), n => more.Where(g => g.Role == n));
            foreach (var p in PermissionNames.Each)
                Assert.True(!before.Allows(p, probe) || after.Allows(p, probe));
        }, iter: 1000);
    }

    [Fact]
    public void Inheritance_flows_down_resources_and_through_granted_roles_only()
    {
        var roles = new Dictionary<string, RoleRecord>
        {
            ["app"] = new("app", false, true, null, ["readers"]),
            ["readers"] = new("readers", false, false, null, ["app"]), // a cycle: still terminates
            ["admin"] = new("admin", true, true, null, []),
        };
        var grants = new[] { new PermissionGrant("readers", AuthResource.OfKeyspace("ks"), CqlPermission.Select), new PermissionGrant("app", AuthResource.OfTable("ks", "t"), CqlPermission.Modify) };
        var app = PermissionResolver.Resolve("app", n => roles.GetValueOrDefault(n), n => grants.Where(g => g.Role == n));
        Assert.True(app.Allows(CqlPermission.Select, AuthResource.OfTable("ks", "any")));
        Assert.True(app.Allows(CqlPermission.Select, AuthResource.OfKeyspace("ks")));
        Assert.False(app.Allows(CqlPermission.Select, AuthResource.OfKeyspace("other")));
        Assert.False(app.Allows(CqlPermission.Select, AuthResource.Root));
        Assert.True(app.Allows(CqlPermission.Modify, AuthResource.OfTable("ks", "t")));
        Assert.False(app.Allows(CqlPermission.Modify, AuthResource.OfTable("ks", "u")));
        Assert.False(app.Allows(CqlPermission.Modify, AuthResource.OfKeyspace("ks")));
        Assert.Equal(["app", "readers"], app.Roles.Order(StringComparer.Ordinal));
        Assert.False(app.IsSuperuser);
        Assert.True(PermissionResolver.Resolve("admin", n => roles.GetValueOrDefault(n), _ => []).Allows(CqlPermission.All, AuthResource.Root));
        Assert.Same(RolePermissions.None, PermissionResolver.Resolve("ghost", n => roles.GetValueOrDefault(n), _ => []));
        Assert.True(PermissionResolver.WouldCycle("app", "readers", n => roles.GetValueOrDefault(n)));
        Assert.True(PermissionResolver.WouldCycle("admin", "admin", n => roles.GetValueOrDefault(n)));
        Assert.False(PermissionResolver.WouldCycle("admin", "app", n => roles.GetValueOrDefault(n)));
    }

    [Fact]
    public void Resource_names_round_trip_and_damaged_names_are_refused()
    {
        foreach (var r in Resources) Assert.Equal(r, AuthResource.Parse(r.Name));
        foreach (var bad in new[] { "", "data/", "data//t", "roles/x", "data/a/b/c", "DATA/k" }) Assert.Null(AuthResource.Parse(bad));
        Gen.String.Sample(s => { _ = AuthResource.Parse(s); }, iter: 2000);
    }

    private static bool Reference(Dictionary<string, RoleRecord> roles, List<PermissionGrant> grants, string start, CqlPermission p, AuthResource resource)
    {
        if (!roles.ContainsKey(start)) return false;
        var reached = new HashSet<string>();
        void Visit(string n)
        {
            if (!roles.TryGetValue(n, out var r) || !reached.Add(n)) return;
            foreach (var m in r.MemberOf) Visit(m);
        }
        Visit(start);
        if (reached.Any(n => roles[n].IsSuperuser)) return true;
        var above = new List<AuthResource>();
        for (var r = resource; r is not null; r = r.Parent) above.Add(r);
        return grants.Any(g => reached.Contains(g.Role) && above.Contains(g.Resource) && (g.Permissions & p & g.Resource.Applicable) == p);
    }
}

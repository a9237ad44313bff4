using RingStore.Core.Errors;
using RingStore.Node.Security.Auth;

namespace RingStore.Node.Tests.Security.Auth;

/// <summary>Who may run which statement, and that a refused statement changes nothing (in-memory store, fake clock).</summary>
public sealed class RoleStatementExecutorTests
{
    [Fact]
    public async Task A_role_with_select_on_one_table_reads_it_and_nothing_else()
    {
        using var world = new AuthTestWorld();
        await world.AdminAsync("CREATE ROLE bob WITH PASSWORD = 'b' AND LOGIN = true");
        await world.AdminAsync("GRANT SELECT ON TABLE ks.t TO bob");
        await world.AsAsync("bob", "SELECT * FROM t WHERE k = 1");
        await world.AsAsync("bob", "SELECT * FROM ks.t");
        Assert.Equal(2, world.Executed);
        foreach (string refused in new[]
        {
            "SELECT * FROM ks.u", "INSERT INTO ks.t (k, v) VALUES (1, 'x')", "UPDATE t SET v = 'x' WHERE k = 1", "DELETE FROM t WHERE k = 1",
            "BEGIN BATCH INSERT INTO t (k, v) VALUES (1, 'x'); APPLY BATCH", "TRUNCATE t", "DROP TABLE t", "DROP KEYSPACE ks",
            "CREATE TABLE ks.n (k int PRIMARY KEY)", "CREATE KEYSPACE n WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        })
        {
            var e = await Assert.ThrowsAsync<UnauthorizedException>(() => world.AsAsync("bob", refused));
            Assert.Contains("User bob has no", e.Message, StringComparison.Ordinal);
        }
        Assert.Equal(2, world.Executed);
    }

    [Fact]
    public async Task Nobody_logged_in_is_refused_and_system_auth_is_written_only_by_role_statements()
    {
        using var world = new AuthTestWorld();
        AuthContext.Current = null;
        var statement = RingStore.Cql.CqlParser.Parse("SELECT * FROM ks.t");
        await Assert.ThrowsAsync<UnauthorizedException>(() => world.Auth.ExecuteAsync(statement,
            new RingStore.Node.Cql.CqlRequest("ks", new RingStore.Node.Cql.TermBinder(RingStore.Node.Cql.BoundValues.None, 0), Core.Consistency.ConsistencyLevel.One, 1, null, null),
            (_, _, _) => throw new InvalidOperationException("must not run"), CancellationToken.None));
        await Assert.ThrowsAsync<UnauthorizedException>(() => world.AsAsync("admin", "INSERT INTO system_auth.roles (role, is_superuser) VALUES ('x', true)"));
        await Assert.ThrowsAsync<UnauthorizedException>(() => world.AsAsync("admin", "DROP KEYSPACE system_auth"));
        await Assert.ThrowsAsync<UnauthorizedException>(() => world.AsAsync("admin", "TRUNCATE system_auth.roles"));
        await world.AsAsync("admin", "SELECT * FROM system_auth.roles");
        Assert.Equal(1, world.Executed);
    }

    [Fact]
    public async Task A_non_superuser_cannot_manage_roles_nor_grant_what_it_does_not_hold()
    {
        using var world = new AuthTestWorld();
        await world.AdminAsync("CREATE ROLE bob WITH PASSWORD = 'b' AND LOGIN = true");
        await world.AdminAsync("CREATE ROLE eve WITH PASSWORD = 'e' AND LOGIN = true");
        await world.AdminAsync("GRANT SELECT ON KEYSPACE ks TO bob");
        await world.AdminAsync("GRANT AUTHORIZE ON TABLE ks.t TO bob");
        string before = world.Store.Snapshot();
        foreach (string refused in new[]
        {
            "CREATE ROLE x WITH PASSWORD = 'x' AND LOGIN = true", "CREATE ROLE IF NOT EXISTS eve", "DROP ROLE eve", "DROP ROLE IF EXISTS nobody",
            "ALTER ROLE eve WITH PASSWORD = 'mine'", "ALTER ROLE bob WITH SUPERUSER = true", "ALTER ROLE bob WITH LOGIN = false",
            "GRANT admin TO bob", "REVOKE admin FROM eve", "GRANT MODIFY ON TABLE ks.t TO eve", "GRANT ALL PERMISSIONS ON TABLE ks.t TO eve",
            "GRANT SELECT ON TABLE ks.u TO eve", "GRANT SELECT ON KEYSPACE ks TO eve", "REVOKE SELECT ON KEYSPACE ks FROM bob",
            "LIST ROLES OF eve", "LIST ALL PERMISSIONS OF eve",
        })
        {
            await Assert.ThrowsAsync<UnauthorizedException>(() => world.AsAsync("bob", refused));
            Assert.Equal(before, world.Store.Snapshot());
        }
        // What bob holds on ks.t with AUTHORIZE there, he may pass on.
        await world.AsAsync("bob", "GRANT SELECT ON TABLE ks.t TO eve");
        Assert.NotEqual(before, world.Store.Snapshot());
        world.Auth.Cache.Invalidate();
        await world.AsAsync("eve", "SELECT * FROM ks.t");
        // And his own password.
        await world.AsAsync("bob", "ALTER ROLE bob WITH PASSWORD = 'new'");
        Assert.True(PasswordHasher.Verify("new", (await world.Store.GetRoleAsync("bob", CancellationToken.None))!.SaltedHash!));
    }

    [Fact]
    public async Task Role_management_follows_cassandras_rules()
    {
        using var world = new AuthTestWorld();
        await world.AdminAsync("CREATE ROLE app");
        await world.AdminAsync("CREATE ROLE IF NOT EXISTS app WITH LOGIN = true"); // no-op
        Assert.False((await world.Store.GetRoleAsync("app", CancellationToken.None))!.CanLogin);
        await Assert.ThrowsAsync<InvalidRequestException>(() => world.AsAsync("admin", "CREATE ROLE app"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => world.AsAsync("admin", "DROP ROLE admin")); // own primary role
        await Assert.ThrowsAsync<UnauthorizedException>(() => world.AsAsync("admin", "ALTER ROLE admin WITH SUPERUSER = false"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => world.AsAsync("admin", "GRANT SELECT ON TABLE ks.nope TO app"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => world.AsAsync("admin", "GRANT SELECT ON KEYSPACE nope TO app"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => world.AsAsync("admin", "GRANT CREATE ON TABLE ks.t TO app"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => world.AsAsync("admin", "GRANT SELECT ON TABLE ks.t TO nobody"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => world.AsAsync("admin", "CREATE ROLE x WITH PASSWORD = ''"));

        await world.AdminAsync("CREATE ROLE dev WITH PASSWORD = 'd' AND LOGIN = true");
        await world.AdminAsync("GRANT app TO dev");
        await Assert.ThrowsAsync<InvalidRequestException>(() => world.AsAsync("admin", "GRANT dev TO app")); // a cycle
        await Assert.ThrowsAsync<InvalidRequestException>(() => world.AsAsync("admin", "GRANT dev TO dev"));
        await world.AdminAsync("GRANT MODIFY ON KEYSPACE ks TO app");
        await world.AsAsync("dev", "INSERT INTO ks.u (k, v) VALUES (1, 'x')"); // through app
        var listed = await world.AsAsync("dev", "LIST ALL PERMISSIONS OF dev");
        Assert.Equal(["app <keyspace ks> MODIFY"], listed.Rows.Select(r => $"{r.Values[0]} {r.Values[2]} {r.Values[3]}"));
        var mine = await world.AsAsync("dev", "LIST ROLES");
        Assert.Equal(["app", "dev"], mine.Rows.Select(r => (string?)r.Values[0]));
        var all = await world.AsAsync("admin", "LIST ROLES");
        Assert.Equal(["admin", "app", "dev"], all.Rows.Select(r => (string?)r.Values[0]));

        // Dropping app takes it away from dev, and a new app does not bring it back.
        await world.AdminAsync("DROP ROLE app");
        await world.AdminAsync("CREATE ROLE app");
        Assert.Empty((await world.Store.GetRoleAsync("dev", CancellationToken.None))!.MemberOf);
        await Assert.ThrowsAsync<UnauthorizedException>(() => world.AsAsync("dev", "INSERT INTO ks.u (k, v) VALUES (1, 'x')"));
        await world.AdminAsync("DROP ROLE IF EXISTS ghost");
    }

    [Fact]
    public async Task Grants_made_elsewhere_are_seen_once_the_validity_has_passed()
    {
        using var world = new AuthTestWorld();
        await world.AdminAsync("CREATE ROLE bob WITH PASSWORD = 'b' AND LOGIN = true");
        await Assert.ThrowsAsync<UnauthorizedException>(() => world.AsAsync("bob", "SELECT * FROM ks.t"));
        // Another node grants: straight into the store, this node's cache not told.
        await world.Store.GrantAsync("bob", AuthResource.OfTable("ks", "t"), RingStore.Cql.Ast.CqlPermission.Select, CancellationToken.None);
        world.Time.Advance(TimeSpan.FromSeconds(1.9));
        await Assert.ThrowsAsync<UnauthorizedException>(() => world.AsAsync("bob", "SELECT * FROM ks.t"));
        world.Time.Advance(TimeSpan.FromSeconds(0.2));
        await world.AsAsync("bob", "SELECT * FROM ks.t");
        int reads = world.Store.Reads;
        for (int i = 0; i < 100; i++) await world.AsAsync("bob", "SELECT * FROM ks.t");
        Assert.Equal(reads, world.Store.Reads); // cached: the hot path reads nothing
    }
}

using CsCheck;
using RingStore.Cql.Ast;

namespace RingStore.Cql.Tests;

public class ParserRoleTests
{
    [Fact]
    public void Create_alter_drop_role()
    {
        Assert.Equal(new CreateRoleStatement("app", false, new RoleOptions("s3 cret", true, false)),
            CqlParser.Parse("CREATE ROLE App WITH PASSWORD = 's3 cret' AND LOGIN = true AND SUPERUSER = false;"));
        Assert.Equal(new CreateRoleStatement("App", true, RoleOptions.None), CqlParser.Parse("create role if not exists \"App\""));
        Assert.Equal(new CreateRoleStatement("dev team", false, new RoleOptions(null, null, true)), CqlParser.Parse("CREATE ROLE 'dev team' WITH superuser = true"));
        Assert.Equal(new AlterRoleStatement("app", new RoleOptions("n'ew", null, null)), CqlParser.Parse("ALTER ROLE app WITH PASSWORD = 'n''ew'"));
        Assert.Equal(new AlterRoleStatement("app", new RoleOptions(null, false, true)), CqlParser.Parse("ALTER ROLE app WITH LOGIN = false AND SUPERUSER = true"));
        Assert.Equal(new DropRoleStatement("app", true), CqlParser.Parse("DROP ROLE IF EXISTS app"));
        Assert.Equal(new DropRoleStatement("app", false), CqlParser.Parse("DROP ROLE app"));
    }

    [Fact]
    public void Create_alter_drop_user_compatibility()
    {
        Assert.Equal(new CreateRoleStatement("bob", false, new RoleOptions("pw", true, false)), CqlParser.Parse("CREATE USER bob WITH PASSWORD 'pw'"));
        Assert.Equal(new CreateRoleStatement("bob", true, new RoleOptions("pw", true, true)), CqlParser.Parse("CREATE USER IF NOT EXISTS bob WITH PASSWORD 'pw' SUPERUSER"));
        Assert.Equal(new AlterRoleStatement("bob", new RoleOptions(null, null, false)), CqlParser.Parse("ALTER USER bob NOSUPERUSER"));
        Assert.Equal(new DropRoleStatement("bob", false), CqlParser.Parse("DROP USER bob"));
    }

    [Fact]
    public void Grant_and_revoke_permissions_and_roles()
    {
        Assert.Equal(new GrantPermissionsStatement(CqlPermission.Select, new DataResource(DataResourceKind.Table, "ks", "t"), "app"),
            CqlParser.Parse("GRANT SELECT ON TABLE ks.t TO app"));
        Assert.Equal(new GrantPermissionsStatement(CqlPermission.Modify, new DataResource(DataResourceKind.Table, null, "t"), "app"),
            CqlParser.Parse("GRANT MODIFY PERMISSION ON t TO app"));
        Assert.Equal(new GrantPermissionsStatement(CqlPermission.All, DataResource.AllKeyspaces, "admin"),
            CqlParser.Parse("GRANT ALL PERMISSIONS ON ALL KEYSPACES TO admin"));
        Assert.Equal(new RevokePermissionsStatement(CqlPermission.Authorize, new DataResource(DataResourceKind.Keyspace, "ks", null), "app"),
            CqlParser.Parse("REVOKE AUTHORIZE ON KEYSPACE ks FROM app"));
        foreach (var (word, permission) in new[] { ("CREATE", CqlPermission.Create), ("ALTER", CqlPermission.Alter), ("DROP", CqlPermission.Drop), ("all", CqlPermission.All) })
            Assert.Equal(new GrantPermissionsStatement(permission, DataResource.AllKeyspaces, "r"), CqlParser.Parse($"GRANT {word} ON ALL KEYSPACES TO r"));
        Assert.Equal(new GrantRoleStatement("readers", "app"), CqlParser.Parse("GRANT readers TO app"));
        Assert.Equal(new RevokeRoleStatement("readers", "app"), CqlParser.Parse("REVOKE readers FROM app"));
    }

    [Fact]
    public void List_roles_and_permissions()
    {
        Assert.Equal(new ListRolesStatement(null, false), CqlParser.Parse("LIST ROLES"));
        Assert.Equal(new ListRolesStatement("app", true), CqlParser.Parse("LIST ROLES OF app NORECURSIVE"));
        Assert.Equal(new ListPermissionsStatement(CqlPermission.All, null, null, false), CqlParser.Parse("LIST ALL PERMISSIONS"));
        Assert.Equal(new ListPermissionsStatement(CqlPermission.Select, new DataResource(DataResourceKind.Table, "ks", "t"), "app", false),
            CqlParser.Parse("LIST SELECT ON ks.t OF app"));
        Assert.Equal(new ListPermissionsStatement(CqlPermission.All, null, "app", true), CqlParser.Parse("LIST ALL OF app NORECURSIVE"));
    }

    [Theory]
    [InlineData("CREATE ROLE")]
    [InlineData("CREATE ROLE r WITH")]
    [InlineData("CREATE ROLE r WITH PASSWORD 'x'")]
    [InlineData("CREATE ROLE r WITH PASSWORD = x")]
    [InlineData("CREATE ROLE r WITH PASSWORD = ?")]
    [InlineData("CREATE ROLE r WITH LOGIN = 1")]
    [InlineData("CREATE ROLE r WITH LOGIN = true AND LOGIN = false")]
    [InlineData("CREATE ROLE r WITH OPTIONS = {}")]
    [InlineData("CREATE ROLE ''")]
    [InlineData("ALTER ROLE r")]
    [InlineData("ALTER USER r")]
    [InlineData("GRANT EXECUTE ON ALL KEYSPACES TO r")]
    [InlineData("GRANT SELECT ON TO r")]
    [InlineData("GRANT SELECT ON ks.t")]
    [InlineData("GRANT SELECT ON ALL FUNCTIONS TO r")]
    [InlineData("REVOKE SELECT ON ks.t TO r")]
    [InlineData("GRANT r FROM s")]
    [InlineData("LIST")]
    [InlineData("LIST ROLES OF")]
    [InlineData("DROP ROLE IF r")]
    public void Malformed_role_statements_are_syntax_errors(string cql) => Assert.Throws<CqlSyntaxException>(() => CqlParser.Parse(cql));

    [Fact]
    public void The_password_never_shows_in_the_statement_text()
    {
        var statement = CqlParser.Parse("CREATE ROLE r WITH PASSWORD = 'hunter2'");
        Assert.DoesNotContain("hunter2", statement.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, statement.BindMarkerCount);
    }

    [Fact]
    public void Random_text_after_role_keywords_parses_or_fails_with_a_syntax_error_only()
    {
        var prefix = Gen.OneOf("CREATE ROLE ", "ALTER ROLE ", "DROP ROLE ", "GRANT ", "REVOKE ", "LIST ", "CREATE USER ", "ALTER USER ");
        var word = Gen.OneOf("r", "'日本'", "WITH", "PASSWORD", "=", "'x'", "LOGIN", "true", "AND", "ON", "TO", "FROM", "ALL", "KEYSPACES",
            "KEYSPACE", "TABLE", "ks.t", "SELECT", "OF", "NORECURSIVE", "IF", "NOT", "EXISTS", "?", ";", "\"Q\"", "SUPERUSER", "PERMISSIONS");
        Gen.Select(prefix, Gen.OneOf(word.Array[0, 10].Select(w => string.Join(' ', w)), Gen.String[0, 40])).Sample((p, rest) =>
        {
            try
            {
                _ = CqlParser.Parse(p + rest);
            }
            catch (CqlSyntaxException)
            {
            }
        }, iter: 20000);
    }
}

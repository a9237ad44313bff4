using RingStore.Cql.Ast;

namespace RingStore.Cql;

/// <summary>
/// Roles and permissions, Cassandra's grammar: CREATE/ALTER/DROP ROLE (and USER), GRANT/REVOKE of permissions and of
/// roles, LIST ROLES, LIST PERMISSIONS. Every word here is unreserved (lexes as an identifier), so columns and tables
/// may still be called role, login or password.
/// </summary>
internal sealed partial class StatementParser
{
    private const string PermissionNames = "a permission (SELECT, MODIFY, CREATE, ALTER, DROP, AUTHORIZE) or ALL [PERMISSIONS]";

    /// <summary>The role statements that start with a word of their own (ALTER ROLE/USER, GRANT, REVOKE, LIST); null if this is none.</summary>
    private RoleStatement? TryParseRoleStatement()
    {
        var t = Current;
        if (t.Kind != CqlTokenKind.Identifier) return null;
        if (t.IsWord("ALTER") && (PeekAhead(1).IsWord("ROLE") || PeekAhead(1).IsWord("USER")))
        {
            Advance();
            return Advance().IsWord("USER") ? ParseAlterUser() : ParseAlterRole();
        }
        if (t.IsWord("GRANT")) return ParseGrantOrRevoke(grant: true);
        if (t.IsWord("REVOKE")) return ParseGrantOrRevoke(grant: false);
        if (t.IsWord("LIST")) return ParseList();
        return null;
    }

    /// <summary>After CREATE: ROLE or USER; null when neither (a keyspace or table follows).</summary>
    private RoleStatement? TryParseCreateRole()
    {
        if (Current.Kind != CqlTokenKind.Identifier) return null;
        if (AcceptWord("ROLE"))
        {
            bool ifNotExists = ParseIfNotExists();
            string role = ParseRoleName();
            return new CreateRoleStatement(role, ifNotExists, AcceptKeyword("WITH") ? ParseRoleOptions() : RoleOptions.None);
        }
        if (AcceptWord("USER"))
        {
            bool ifNotExists = ParseIfNotExists();
            string role = ParseRoleName();
            var options = ParseUserOptions();
            // A user can always log in (Cassandra's CREATE USER).
            return new CreateRoleStatement(role, ifNotExists, options with { Login = true, Superuser = options.Superuser ?? false });
        }
        return null;
    }

    /// <summary>After DROP: ROLE or USER; null when neither.</summary>
    private RoleStatement? TryParseDropRole()
    {
        if (Current.Kind != CqlTokenKind.Identifier || !(AcceptWord("ROLE") || AcceptWord("USER"))) return null;
        bool ifExists = ParseIfExists();
        return new DropRoleStatement(ParseRoleName(), ifExists);
    }

    private AlterRoleStatement ParseAlterRole()
    {
        string role = ParseRoleName();
        ExpectKeyword("WITH");
        return new AlterRoleStatement(role, ParseRoleOptions());
    }

    private AlterRoleStatement ParseAlterUser()
    {
        string role = ParseRoleName();
        var options = ParseUserOptions();
        if (options.IsEmpty) throw NoViable(Current, "WITH PASSWORD, SUPERUSER or NOSUPERUSER");
        return new AlterRoleStatement(role, options);
    }

    /// <summary>option {AND option}, each at most once.</summary>
    private RoleOptions ParseRoleOptions()
    {
        var options = RoleOptions.None;
        do
        {
            var name = Current;
            if (AcceptWord("PASSWORD"))
            {
                ExpectSymbol("=");
                if (options.Password is not null) throw Duplicate(name);
                options = options with { Password = ParseStringConstant("a password string") };
            }
            else if (AcceptWord("LOGIN"))
            {
                ExpectSymbol("=");
                if (options.Login is not null) throw Duplicate(name);
                options = options with { Login = ParseBoolean() };
            }
            else if (AcceptWord("SUPERUSER"))
            {
                ExpectSymbol("=");
                if (options.Superuser is not null) throw Duplicate(name);
                options = options with { Superuser = ParseBoolean() };
            }
            else
            {
                throw NoViable(Current, "PASSWORD, LOGIN or SUPERUSER");
            }
        }
        while (AcceptKeyword("AND"));
        return options;
    }

    private static CqlSyntaxException Duplicate(CqlToken name) =>
        Error(name, "another option", $"Multiple definition for property {name.Value.ToLowerInvariant()}");

    /// <summary>CREATE/ALTER USER: [WITH PASSWORD 'p'] [SUPERUSER | NOSUPERUSER].</summary>
    private RoleOptions ParseUserOptions()
    {
        string? password = null;
        if (AcceptKeyword("WITH"))
        {
            ExpectWord("PASSWORD");
            password = ParseStringConstant("a password string");
        }
        bool? superuser = AcceptWord("SUPERUSER") ? true : AcceptWord("NOSUPERUSER") ? false : null;
        return new RoleOptions(password, null, superuser);
    }

    private RoleStatement ParseGrantOrRevoke(bool grant)
    {
        Advance();
        string link = grant ? "TO" : "FROM";
        // GRANT select ON ... grants a permission; GRANT r TO x grants a role (a role called "select" works too).
        bool permission = Current.IsWord("ALL") || PeekAhead(1).IsWord("ON") || (PeekAhead(1).IsWord("PERMISSION") || PeekAhead(1).IsWord("PERMISSIONS"));
        if (!permission)
        {
            string role = ParseRoleName();
            ExpectLink(link);
            string other = ParseRoleName();
            return grant ? new GrantRoleStatement(role, other) : new RevokeRoleStatement(role, other);
        }
        var permissions = ParsePermissions();
        ExpectWord("ON");
        var resource = ParseResource();
        ExpectLink(link);
        string target = ParseRoleName();
        return grant ? new GrantPermissionsStatement(permissions, resource, target) : new RevokePermissionsStatement(permissions, resource, target);
    }

    /// <summary>TO is an unreserved word; FROM is a keyword.</summary>
    private void ExpectLink(string link)
    {
        if (link == "FROM") ExpectKeyword("FROM");
        else ExpectWord(link);
    }

    private RoleStatement ParseList()
    {
        Advance();
        if (AcceptWord("ROLES"))
        {
            string? of = AcceptWord("OF") ? ParseRoleName() : null;
            return new ListRolesStatement(of, AcceptWord("NORECURSIVE"));
        }
        if (AcceptWord("USERS")) return new ListRolesStatement(null, false);
        var permissions = ParsePermissions();
        DataResource? on = AcceptWord("ON") ? ParseResource() : null;
        string? ofRole = AcceptWord("OF") ? ParseRoleName() : null;
        return new ListPermissionsStatement(permissions, on, ofRole, AcceptWord("NORECURSIVE"));
    }

    /// <summary>ALL [PERMISSIONS] | permission [PERMISSION].</summary>
    private CqlPermission ParsePermissions()
    {
        if (AcceptWord("ALL"))
        {
            AcceptWord("PERMISSIONS");
            return CqlPermission.All;
        }
        var t = Current;
        CqlPermission permission = t.Kind is CqlTokenKind.Identifier or CqlTokenKind.Keyword ? t.Value.ToUpperInvariant() switch
        {
            "SELECT" => CqlPermission.Select,
            "MODIFY" => CqlPermission.Modify,
            "CREATE" => CqlPermission.Create,
            "ALTER" => CqlPermission.Alter,
            "DROP" => CqlPermission.Drop,
            "AUTHORIZE" => CqlPermission.Authorize,
            _ => CqlPermission.None,
        } : CqlPermission.None;
        if (permission == CqlPermission.None) throw NoViable(t, PermissionNames);
        Advance();
        AcceptWord("PERMISSION");
        return permission;
    }

    /// <summary>ALL KEYSPACES | KEYSPACE k | [TABLE] [k.]t.</summary>
    private DataResource ParseResource()
    {
        if (Current.IsWord("ALL") && PeekAhead(1).IsWord("KEYSPACES"))
        {
            Advance();
            Advance();
            return DataResource.AllKeyspaces;
        }
        if (AcceptKeyword("KEYSPACE")) return new DataResource(DataResourceKind.Keyspace, ParseIdentifier("a keyspace name"), null);
        AcceptKeyword("TABLE");
        var table = ParseTableName();
        return new DataResource(DataResourceKind.Table, table.Keyspace, table.Name);
    }

    /// <summary>A role name: an identifier (folded to lower case), a "quoted" one or a 'string', as Cassandra's userOrRoleName.</summary>
    private string ParseRoleName()
    {
        var t = Current;
        if (t.Kind is CqlTokenKind.Identifier or CqlTokenKind.QuotedIdentifier or CqlTokenKind.String)
        {
            Advance();
            if (t.Value.Length == 0) throw Error(t, "a role name", "A role name must not be empty");
            return t.Value;
        }
        throw NoViable(t, "a role name");
    }

    private string ParseStringConstant(string what)
    {
        var t = Current;
        if (t.Kind != CqlTokenKind.String) throw NoViable(t, what);
        Advance();
        return t.Value;
    }

    private bool ParseBoolean()
    {
        var t = Current;
        if (t.Kind == CqlTokenKind.Identifier && t.Value is "true" or "false")
        {
            Advance();
            return t.Value == "true";
        }
        throw NoViable(t, "true or false");
    }
}

using System.Text;
using CsCheck;
using RingStore.Core.Errors;
using RingStore.Cql;
using RingStore.Node.Security.Auth;

namespace RingStore.Node.Tests.Security.Auth;

/// <summary>
/// Malformed, huge and unicode input on the login path (SASL PLAIN tokens, gRPC authorization headers, credentials)
/// and random role statements run by a non-superuser: never a crash (only the documented refusals), never a bypass
/// (nothing logs in without the password; a non-superuser changes nothing it may not).
/// </summary>
public sealed class LoginFuzzTests
{
    [Fact]
    public void Sasl_and_header_decoders_take_any_bytes_and_round_trip_unicode()
    {
        Gen.Byte.Array[0, 300].Sample(bytes => { _ = SaslPlain.Decode(bytes); }, iter: 5000);
        Gen.String.Sample(s => { _ = GrpcCredentials.Decode(s); _ = GrpcCredentials.Decode("Basic " + s); }, iter: 5000);
        Gen.Byte.Array[0, 300].Sample(bytes => { _ = GrpcCredentials.Decode("Basic " + Convert.ToBase64String(bytes)); }, iter: 3000);
        Gen.Select(Gen.String[1, 40].Where(s => !s.Contains('\0') && !s.Contains(':')), Gen.String[0, 40].Where(s => !s.Contains('\0'))).Sample((user, password) =>
        {
            if (!Utf8RoundTrips(user) || !Utf8RoundTrips(password)) return;
            Assert.Equal((user, password), SaslPlain.Decode(SaslPlain.Encode(user, password)));
            Assert.Equal((user, password), GrpcCredentials.Decode(new RingStore.Client.Auth.ClientCredentials(user, password).HeaderValue));
        }, iter: 2000);
        Assert.Null(GrpcCredentials.Decode("Basic " + new string('A', GrpcCredentials.MaxHeaderLength)));
        Assert.Null(SaslPlain.Decode("\0user"u8));
        Assert.Null(SaslPlain.Decode("\0\0pw"u8));
        Assert.Null(SaslPlain.Decode("a\0b\0c\0d"u8));
        Assert.Null(SaslPlain.Decode([0, 0xFF, 0, 0x41]));
    }

    [Fact]
    public async Task Random_credentials_never_log_in_and_never_throw_anything_but_bad_credentials()
    {
        using var world = new AuthTestWorld();
        await world.AdminAsync("CREATE ROLE 'üser 日本' WITH PASSWORD = 'pässwörd 🔑' AND LOGIN = true");
        var login = world.Auth.Authenticator;
        var names = Gen.OneOf(Gen.OneOf("admin", "üser 日本", "", "ADMIN", "admin\0", "admin "), Gen.String[0, 300]);
        var passwords = Gen.OneOf(Gen.OneOf("admin-pw ", "ADMIN-PW", "", "pässwörd", "pässwörd 🔑\0"), Gen.String[0, 5000]);
        int tries = 0;
        await Gen.Select(names, passwords).SampleAsync(async (name, password) =>
        {
            var attempt = login.LoginAsync(name, password, "fuzz" + tries++, CancellationToken.None);
            world.Time.Advance(TimeSpan.FromSeconds(5)); // past any throttle delay
            await Assert.ThrowsAsync<AuthenticationFailedException>(() => attempt);
        }, iter: 60, threads: 1);
        Assert.Equal("üser 日本", (await login.LoginAsync("üser 日本", "pässwörd 🔑", "ok", CancellationToken.None)).Name);
        var huge = login.LoginAsync(new string('x', 100_000), new string('y', 1_000_000), "huge", CancellationToken.None);
        world.Time.Advance(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<AuthenticationFailedException>(() => huge);
    }

    [Fact]
    public async Task Random_role_statements_by_a_non_superuser_are_refused_cleanly_and_change_nothing()
    {
        using var world = new AuthTestWorld();
        await world.AdminAsync("CREATE ROLE bob WITH PASSWORD = 'b' AND LOGIN = true");
        await world.AdminAsync("GRANT SELECT ON KEYSPACE ks TO bob");
        string before = world.Store.Snapshot();
        var name = Gen.OneOf(Gen.OneOf("bob", "admin", "eve", "'日本'", "\"Quoted\"", "'" + new string('n', 300) + "'", "''", "'a''b'"),
            Gen.String[1, 20].Select(s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'"));
        var permission = Gen.OneOf("SELECT", "MODIFY", "CREATE", "ALTER", "DROP", "AUTHORIZE", "ALL", "ALL PERMISSIONS", "EXECUTE");
        var resource = Gen.OneOf("ALL KEYSPACES", "KEYSPACE ks", "KEYSPACE nope", "TABLE ks.t", "ks.u", "t", "TABLE system_auth.roles");
        var option = Gen.OneOf("PASSWORD = 'p'", "LOGIN = true", "SUPERUSER = true", "SUPERUSER = false", "LOGIN = false", "PASSWORD = '" + new string('p', 5000) + "'");
        var statement = Gen.OneOf(
            Gen.Select(name, option).Select((n, o) => $"CREATE ROLE {n} WITH {o}"),
            Gen.Select(name, option, option).Select((n, o, p) => $"ALTER ROLE {n} WITH {o} AND {p}"),
            name.Select(n => $"DROP ROLE IF EXISTS {n}"),
            Gen.Select(permission, resource, name).Select((p, r, n) => $"GRANT {p} ON {r} TO {n}"),
            Gen.Select(permission, resource, name).Select((p, r, n) => $"REVOKE {p} ON {r} FROM {n}"),
            Gen.Select(name, name).Select((a, b) => $"GRANT {a} TO {b}"),
            Gen.Select(name, name).Select((a, b) => $"REVOKE {a} FROM {b}"),
            name.Select(n => $"LIST ROLES OF {n}"),
            Gen.Select(permission, resource).Select((p, r) => $"LIST {p} ON {r}"),
            Gen.String[0, 60].Select(s => "GRANT " + s),
            Gen.String[0, 60].Select(s => "CREATE ROLE " + s));
        await statement.SampleAsync(async cql =>
        {
            try
            {
                await world.AsAsync("bob", cql);
            }
            catch (InvalidRequestException)
            {
                // refused (Unauthorized), invalid or a syntax error: all fine
            }
            if (cql.StartsWith("ALTER ROLE bob WITH PASSWORD", StringComparison.Ordinal) && !cql.Contains("SUPERUSER", StringComparison.Ordinal)
                && !cql.Contains("LOGIN", StringComparison.Ordinal))
            {
                before = world.Store.Snapshot(); // his own password: allowed
            }
            Assert.True(before == world.Store.Snapshot(), $"'{cql}' changed the roles");
        }, iter: 400, threads: 1);
    }

    private static bool Utf8RoundTrips(string s) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s)) == s;
}

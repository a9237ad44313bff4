using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RingStore.Core.Consistency;
using RingStore.Core.Schema;
using ColumnType = RingStore.Core.Schema.ColumnType;
using RingStore.Cql;
using RingStore.Node.Cql;
using RingStore.Node.Schema;
using RingStore.Node.Security.Auth;

namespace RingStore.Node.Tests.Security.Auth;

/// <summary>
/// An AuthService on an in-memory role store and a fake clock, with keyspace ks (tables t and u) and a superuser
/// "admin" (password "admin-pw"); statements run as whoever <see cref="AsAsync"/> names, and <see cref="Executed"/>
/// counts the ones authorization let through to the (fake) executor.
/// </summary>
internal sealed class AuthTestWorld : IDisposable
{
    public const int Iterations = 1000; // fast hashes for tests; production uses PasswordHasher.DefaultIterations

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    public InMemoryRoleStore Store { get; } = new();
    public Meter Meter { get; } = new("auth-tests-" + Guid.NewGuid());
    public AuthService Auth { get; }
    public int Executed { get; private set; }

    public static SchemaSnapshot Schema { get; } = SchemaSnapshot.FromEntries(
        [KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks", 1), 1)],
        [TableEntry.Created(Table("t"), 1), TableEntry.Created(Table("u"), 1)]);

    public AuthTestWorld()
    {
        Auth = new AuthService(Store, () => Schema, TimeSpan.FromSeconds(2), Meter, Time, NullLoggerFactory.Instance, Iterations);
        Store.PutRoleAsync("admin", true, true, PasswordHasher.Hash("admin-pw", Iterations), CancellationToken.None).GetAwaiter().GetResult();
    }

    private static TableSchema Table(string name) => new("ks", name, [new ColumnDefinition("k", ColumnType.Int)], [], [new ColumnDefinition("v", ColumnType.Text)]);

    /// <summary>Runs <paramref name="cql"/> as <paramref name="user"/> (session keyspace ks).</summary>
    public async Task<CqlResult> AsAsync(string user, string cql)
    {
        AuthContext.Current = new ClientUser(user);
        var statement = CqlParser.Parse(cql);
        var request = new CqlRequest("ks", new TermBinder(BoundValues.None, statement.BindMarkerCount), ConsistencyLevel.One, 100, null, null);
        return await Auth.ExecuteAsync(statement, request, (_, _, _) =>
        {
            Executed++;
            return Task.FromResult(new CqlResult { Kind = CqlResultKind.Void });
        }, CancellationToken.None);
    }

    /// <summary>As admin, then forgets the cache so the next check sees it (as the validity passing would).</summary>
    public async Task AdminAsync(string cql)
    {
        await AsAsync("admin", cql);
        Auth.Cache.Invalidate();
    }

    public void Dispose() => Meter.Dispose();
}

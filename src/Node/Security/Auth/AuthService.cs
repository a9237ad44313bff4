using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using RingStore.Core.Errors;
using RingStore.Cql.Ast;
using RingStore.Node.Cql;
using RingStore.Node.Schema;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// Authentication and authorization of one node (on when RingStore:Authenticator is "password"): the role store on
/// system_auth, the permission cache, the authenticator (logins), the role statement executor, and the checks the
/// front ends call: every CQL statement (<see cref="ExecuteAsync"/>, hooked into StatementExecutor), the gRPC
/// Mutate/Read calls and the gRPC schema and admin calls (<see cref="RequireAsync"/>, <see cref="RequireSuperuserAsync"/>).
/// The user comes from <see cref="AuthContext"/>; none there means refused.
/// </summary>
public sealed partial class AuthService
{
    public const string DisabledMessage = "Role statements need the password authenticator (RingStore:Authenticator = password, --authenticator password)";

    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public AuthService(SchemaManager schema, Func<CqlStatement, CqlRequest, CancellationToken, Task<CqlResult>> execute, Func<int> ringNodes,
        TimeSpan validity, Meter meter, TimeProvider time, ILoggerFactory loggerFactory, int passwordIterations = PasswordHasher.DefaultIterations)
        : this(new SystemAuthStore(execute, ringNodes), () => schema.Current, validity, meter, time, loggerFactory, passwordIterations)
    {
    }

    /// <summary>With any store (unit tests use an in-memory one).</summary>
    public AuthService(IRoleStore store, Func<SchemaSnapshot> schema, TimeSpan validity, Meter meter, TimeProvider time, ILoggerFactory loggerFactory,
        int passwordIterations = PasswordHasher.DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _time = time;
        _logger = loggerFactory.CreateLogger("RingStore.Auth");
        Store = store;
        Cache = new PermissionCache(store, time, validity);
        Authenticator = new Authenticator(Cache, new LoginThrottle(time), time, _logger, meter);
        Roles = new RoleStatementExecutor(store, Cache, schema, passwordIterations);
        PasswordIterations = passwordIterations;
    }

    public IRoleStore Store { get; }
    public PermissionCache Cache { get; }
    public Authenticator Authenticator { get; }
    public RoleStatementExecutor Roles { get; }
    public int PasswordIterations { get; }

    /// <summary>Completes once the first-start role setup has run (or found roles).</summary>
    public Task Setup { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Checks <paramref name="statement"/> against the current user's permissions, then runs it with
    /// <paramref name="run"/> (role statements run here). Refused: UnauthorizedException, nothing done.
    /// </summary>
    public async Task<CqlResult> ExecuteAsync(CqlStatement statement, CqlRequest request,
        Func<CqlStatement, CqlRequest, CancellationToken, Task<CqlResult>> run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(run);
        var user = CurrentUser();
        if (user.IsSystem) return await run(statement, request, ct).ConfigureAwait(false);
        if (statement is RoleStatement role) return await Roles.ExecuteAsync(role, request.SessionKeyspace, user, ct).ConfigureAwait(false);
        var required = StatementPermissions.Required(statement, request.SessionKeyspace);
        var permissions = await Cache.GetAsync(user.Name, ct).ConfigureAwait(false);
        if (required is null)
        {
            if (!permissions.IsSuperuser) throw new UnauthorizedException($"Only superusers may run {statement.GetType().Name}");
        }
        else
        {
            Check(user, permissions, required);
        }
        return await run(statement, request, ct).ConfigureAwait(false);
    }

    /// <summary>One permission on one resource (gRPC Mutate: MODIFY, Read: SELECT, schema calls).</summary>
    public async ValueTask RequireAsync(CqlPermission permission, AuthResource resource, CancellationToken ct)
    {
        var user = CurrentUser();
        if (user.IsSystem) return;
        var permissions = await Cache.GetAsync(user.Name, ct).ConfigureAwait(false);
        Check(user, permissions, [new StatementPermissions.Requirement(permission, resource)]);
    }

    /// <summary>Cluster administration (repair, decommission, flush ...): superusers only, as nodetool's JMX access.</summary>
    public async ValueTask RequireSuperuserAsync(string what, CancellationToken ct)
    {
        var user = CurrentUser();
        if (user.IsSystem) return;
        var permissions = await Cache.GetAsync(user.Name, ct).ConfigureAwait(false);
        if (!permissions.IsSuperuser) throw new UnauthorizedException($"Only superusers may {what}");
    }

    private static void Check(ClientUser user, RolePermissions permissions, IReadOnlyList<StatementPermissions.Requirement> required)
    {
        if (StatementPermissions.TouchesAuthKeyspace(required))
            throw new UnauthorizedException($"{AuthSchema.Keyspace} is changed only through CREATE/ALTER/DROP ROLE, GRANT and REVOKE");
        foreach (var requirement in required)
        {
            if (!permissions.Allows(requirement.Permission, requirement.Resource)) throw StatementPermissions.Refusal(user.Name, requirement);
        }
    }

    private static ClientUser CurrentUser() => AuthContext.Current ?? throw new UnauthorizedException("You have not logged in");

    /// <summary>
    /// Creates the first superuser in the background once the ring can answer (retrying every 2 s until it could
    /// read the roles at ALL and, if there were none, write one).
    /// </summary>
    public void StartSetup(string? initialSuperuser, string? initialPassword, CancellationToken stopping)
    {
        Setup = Task.Run(async () =>
        {
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    await DefaultRoles.SetupAsync(Store, initialSuperuser, initialPassword, _logger, stopping, PasswordIterations).ConfigureAwait(false);
                    Cache.Invalidate();
                    return;
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (InvalidOperationException e)
                {
                    LogSetupImpossible(_logger, e.Message);
                    return;
                }
#pragma warning disable CA1031 // the ring may not be ready yet (Unavailable, timeouts): try again shortly
                catch (Exception e)
#pragma warning restore CA1031
                {
                    LogSetupRetry(_logger, e.Message);
                }
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, CancellationToken.None);
    }

    [LoggerMessage(EventId = 4804, Level = LogLevel.Debug, Message = "Role setup not done yet ({Reason}); retrying in 2 s")]
    private static partial void LogSetupRetry(ILogger logger, string reason);

    [LoggerMessage(EventId = 4805, Level = LogLevel.Error, Message = "Role setup impossible: {Reason}")]
    private static partial void LogSetupImpossible(ILogger logger, string reason);
}

using Microsoft.Extensions.Logging;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// The first superuser. When no role exists at all (read at consistency ALL, so a lagging replica is not mistaken for
/// an empty table), the node creates either the superuser named by RingStore:AuthInitialSuperuser (password from
/// RingStore:AuthInitialSuperuserPassword) or Cassandra's cassandra/cassandra, written with a fixed old timestamp:
/// nodes that start together all write the same role at the same time and converge to one, and any later change
/// (ALTER ROLE, DROP ROLE) has a newer timestamp and wins. While cassandra/cassandra works, the log says so loudly.
/// </summary>
public static partial class DefaultRoles
{
    public const string DefaultSuperuser = "cassandra";

    /// <summary>1 s after the epoch, as the auth schema.</summary>
    public const long FixedTimestampMicros = 1_000_000;

    /// <summary>Creates the first superuser if there is no role; true once done (or nothing to do).</summary>
    public static async Task SetupAsync(IRoleStore store, string? initialSuperuser, string? initialPassword, ILogger logger, CancellationToken ct,
        int iterations = PasswordHasher.DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.AnyRoleAsync(ct).ConfigureAwait(false))
        {
            // The warning also shows on every restart while the default password is unchanged.
            if (await store.GetRoleAsync(DefaultSuperuser, ct).ConfigureAwait(false) is { SaltedHash: { } hash, CanLogin: true }
                && PasswordHasher.Verify(DefaultSuperuser, hash))
            {
                LogDefaultPasswordWarning(logger);
            }
            return;
        }
        if (!string.IsNullOrEmpty(initialSuperuser))
        {
            RoleStatementExecutor.ValidateName(initialSuperuser);
            if (string.IsNullOrEmpty(initialPassword))
                throw new InvalidOperationException("RingStore:AuthInitialSuperuser needs RingStore:AuthInitialSuperuserPassword.");
            await store.PutRoleAsync(initialSuperuser, true, true, PasswordHasher.Hash(initialPassword, iterations), ct, FixedTimestampMicros).ConfigureAwait(false);
            LogCreated(logger, initialSuperuser);
            return;
        }
        await store.PutRoleAsync(DefaultSuperuser, true, true, PasswordHasher.Hash(DefaultSuperuser, iterations), ct, FixedTimestampMicros).ConfigureAwait(false);
        LogCreated(logger, DefaultSuperuser);
        LogDefaultPasswordWarning(logger);
    }

    public static void LogDefaultPasswordWarning(ILogger logger) => LogDefault(logger);

    [LoggerMessage(EventId = 4802, Level = LogLevel.Information, Message = "Created the first superuser role '{Role}' (no role existed)")]
    private static partial void LogCreated(ILogger logger, string role);

    [LoggerMessage(EventId = 4803, Level = LogLevel.Warning, Message =
        "!!! SECURITY WARNING: the superuser 'cassandra' still has the default password 'cassandra'. Anyone who can reach this node can log in " +
        "as superuser. Create your own superuser and drop this one, or at least run: ALTER ROLE cassandra WITH PASSWORD = '<new password>'; !!!")]
    private static partial void LogDefault(ILogger logger);
}

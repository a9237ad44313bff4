using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using RingStore.Core.Errors;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// Password logins (Cassandra's PasswordAuthenticator). A login reads the role (through the permission cache) and
/// checks the password against its PBKDF2 hash; a successful (role, password) pair is remembered as a keyed HMAC, so
/// a gRPC client that sends its credentials with every call pays the slow hash once, not per call, and is re-checked
/// cheaply against the role's current hash (a changed password or a dropped role ends it within the cache validity).
/// Failures are counted (metric ringstore.auth.login_failures), logged (role name shortened, never the password)
/// and slowed down per source by <see cref="LoginThrottle"/> (the failure answer waits, see FailAsync). An unknown role costs the same hash time as a known one.
/// </summary>
public sealed partial class Authenticator
{
    public const string Failed = "Provided username and/or password are incorrect";
    public const int MaxNameLength = RoleStatementExecutor.MaxRoleNameLength;
    private const int MaxRemembered = 10_000;

    private readonly PermissionCache _cache;
    private readonly LoginThrottle _throttle;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _successes;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, string> _verified = new(StringComparer.Ordinal);
    private long _lastDefaultWarning = long.MinValue;

    public Authenticator(PermissionCache cache, LoginThrottle throttle, TimeProvider time, ILogger logger, Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _cache = cache;
        _throttle = throttle;
        _time = time;
        _logger = logger;
        _failures = meter.CreateCounter<long>("ringstore.auth.login_failures", null, "Failed logins (unknown role, role without LOGIN, wrong password).");
        _successes = meter.CreateCounter<long>("ringstore.auth.logins", null, "Password checks that succeeded (a cached re-check counts too).");
    }

    private long _failureCount;

    /// <summary>Failed logins since start (also the metric).</summary>
    public long FailureCount => Interlocked.Read(ref _failureCount);

    /// <summary>The user for <paramref name="role"/>, or <see cref="AuthenticationFailedException"/> after the source's delay.</summary>
    public async Task<ClientUser> LoginAsync(string? role, string? password, string source, CancellationToken ct)
    {
        source ??= "unknown";
        if (string.IsNullOrEmpty(role) || password is null || role.Length > MaxNameLength
            || Encoding.UTF8.GetByteCount(password) > PasswordHasher.MaxPasswordBytes || !PasswordHasher.IsAcceptable(password))
        {
            throw await FailAsync(role, source, "malformed credentials", ct).ConfigureAwait(false);
        }
        var permissions = await _cache.GetAsync(role, ct).ConfigureAwait(false);
        var record = permissions.Role;
        if (record is not { CanLogin: true, SaltedHash: { } hash })
        {
            PasswordHasher.Verify(password, PasswordHasher.Decoy); // same time as a real check: no "which roles exist" oracle
            throw await FailAsync(role, source, record is null ? "no such role" : "role cannot log in", ct).ConfigureAwait(false);
        }
        string key = Remember(role, password);
        if (!(_verified.TryGetValue(key, out var seen) && string.Equals(seen, hash, StringComparison.Ordinal)))
        {
            if (!PasswordHasher.Verify(password, hash)) throw await FailAsync(role, source, "wrong password", ct).ConfigureAwait(false);
            if (_verified.Count >= MaxRemembered) _verified.Clear();
            _verified[key] = hash;
        }
        _throttle.RecordSuccess(source);
        _successes.Add(1);
        if (role == DefaultRoles.DefaultSuperuser && password == DefaultRoles.DefaultSuperuser) WarnDefaultPassword();
        return new ClientUser(role);
    }

    /// <summary>HMAC of (role, password) under a key that lives only in this process: the password itself is never kept.</summary>
    private string Remember(string role, string password)
    {
        byte[] data = Encoding.UTF8.GetBytes(role + "\0" + password);
        try
        {
            return Convert.ToHexString(HMACSHA256.HashData(_key, data));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <summary>
    /// Counts and logs the failure, then holds the answer back by the source's delay (growing with its failures in a
    /// row): a guesser waits longer for every wrong answer, while a correct login is never delayed, so a legitimate
    /// client sharing an address with a failing one (or a probe that polled before the role existed) is not locked out.
    /// </summary>
    private async Task<AuthenticationFailedException> FailAsync(string? role, string source, string why, CancellationToken ct)
    {
        int inARow = _throttle.RecordFailure(source);
        Interlocked.Increment(ref _failureCount);
        _failures.Add(1);
        var delay = LoginThrottle.Delay(inARow);
        LogFailed(_logger, LogSafe(role), source, why, inARow, delay.TotalMilliseconds);
        await Task.Delay(delay, _time, ct).ConfigureAwait(false);
        return new AuthenticationFailedException(Failed);
    }

    private void WarnDefaultPassword()
    {
        long now = _time.GetTimestamp();
        long last = Interlocked.Read(ref _lastDefaultWarning);
        if (last != long.MinValue && _time.GetElapsedTime(last, now) < TimeSpan.FromMinutes(1)) return;
        Interlocked.Exchange(ref _lastDefaultWarning, now);
        DefaultRoles.LogDefaultPasswordWarning(_logger);
    }

    /// <summary>A client-chosen name for a log line: at most 64 characters, control characters replaced.</summary>
    public static string LogSafe(string? name)
    {
        if (name is null) return "<none>";
        var cut = name.Length > 64 ? name[..64] + "..." : name;
        return new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }

    [LoggerMessage(EventId = 4801, Level = LogLevel.Warning,
        Message = "Failed login for role '{Role}' from {Source}: {Why} ({Failures} in a row from this source; answered after {DelayMs} ms)")]
    private static partial void LogFailed(ILogger logger, string role, string source, string why, int failures, double delayMs);
}

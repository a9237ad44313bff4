using RingStore.Core.Errors;
using RingStore.Node.Security.Auth;

namespace RingStore.Node.Tests.Security.Auth;

public sealed class AuthenticatorTests
{
    [Fact]
    public async Task Right_password_logs_in_wrong_or_unknown_fails_alike_counted_and_answered_later_each_time()
    {
        using var world = new AuthTestWorld();
        var login = world.Auth.Authenticator;
        Assert.Equal("admin", (await login.LoginAsync("admin", "admin-pw", "10.0.0.1", CancellationToken.None)).Name);

        var first = login.LoginAsync("admin", "wrong", "10.0.0.1", CancellationToken.None);
        Assert.False(first.IsCompleted); // held back 100 ms
        world.Time.Advance(TimeSpan.FromMilliseconds(100));
        var e1 = await Assert.ThrowsAsync<AuthenticationFailedException>(() => first);
        var second = login.LoginAsync("nobody", "whatever", "10.0.0.1", CancellationToken.None);
        world.Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(second.IsCompleted); // 200 ms for the second in a row
        world.Time.Advance(TimeSpan.FromMilliseconds(100));
        var e2 = await Assert.ThrowsAsync<AuthenticationFailedException>(() => second);
        Assert.Equal(e1.Message, e2.Message); // an unknown role looks the same as a wrong password
        Assert.Equal(2, login.FailureCount);

        // Another source is not slowed; a success resets this one.
        var other = login.LoginAsync("admin", "nope", "10.0.0.2", CancellationToken.None);
        world.Time.Advance(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAsync<AuthenticationFailedException>(() => other);
        await login.LoginAsync("admin", "admin-pw", "10.0.0.1", CancellationToken.None);
        var afterReset = login.LoginAsync("admin", "bad", "10.0.0.1", CancellationToken.None);
        world.Time.Advance(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAsync<AuthenticationFailedException>(() => afterReset);
    }

    [Fact]
    public async Task A_changed_password_or_a_role_without_login_ends_cached_logins()
    {
        using var world = new AuthTestWorld();
        var login = world.Auth.Authenticator;
        await world.AdminAsync("CREATE ROLE bob WITH PASSWORD = 'old' AND LOGIN = true");
        await login.LoginAsync("bob", "old", "s", CancellationToken.None);
        await login.LoginAsync("bob", "old", "s", CancellationToken.None); // cached
        await world.AdminAsync("ALTER ROLE bob WITH PASSWORD = 'new'");
        var stale = login.LoginAsync("bob", "old", "s", CancellationToken.None);
        world.Time.Advance(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAsync<AuthenticationFailedException>(() => stale);
        await login.LoginAsync("bob", "new", "s", CancellationToken.None);
        await world.AdminAsync("ALTER ROLE bob WITH LOGIN = false");
        var noLogin = login.LoginAsync("bob", "new", "s", CancellationToken.None);
        world.Time.Advance(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAsync<AuthenticationFailedException>(() => noLogin);
    }

    [Fact]
    public void The_throttle_doubles_from_100_ms_up_to_5_s_and_forgets_quiet_sources()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var throttle = new LoginThrottle(time);
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor("a"));
        var delays = Enumerable.Range(0, 8).Select(_ => LoginThrottle.Delay(throttle.RecordFailure("a"))).ToList();
        Assert.Equal([100, 200, 400, 800, 1600, 3200, 5000, 5000], delays.Select(d => (int)d.TotalMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(5), throttle.DelayFor("a"));
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor("a"));
        Assert.Equal(1, throttle.RecordFailure("a"));
        throttle.RecordSuccess("a");
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor("a"));
        for (int i = 0; i < LoginThrottle.MaxSources + 10; i++) throttle.RecordFailure("s" + i); // bounded
    }
}

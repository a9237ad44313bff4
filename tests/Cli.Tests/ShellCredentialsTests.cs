using RingStore.Cli.CommandLine;
using RingStore.Cli.Shell;

namespace RingStore.Cli.Tests;

/// <summary>The shell's -u/-p options, LOGIN, and credentials kept out of the history file.</summary>
public sealed class ShellCredentialsTests
{
    [Fact]
    public void Dash_p_takes_a_password_or_asks_for_one()
    {
        var (rest, user, password) = ShellCredentialsArguments.Split(["-u", "bob", "-p", "s3cret", "-e", "LIST ROLES"]);
        Assert.Equal(("bob", "s3cret"), (user, password));
        Assert.Equal(["-e", "LIST ROLES"], rest);
        (rest, user, password) = ShellCredentialsArguments.Split(["--host", "h:1", "-u", "bob", "-p"]);
        Assert.Equal(("bob", (string?)null), (user, password));
        Assert.Equal(["--host", "h:1"], rest);
        (_, user, password) = ShellCredentialsArguments.Split(["-u", "bob", "-p", "-e", "x"]);
        Assert.Null(password); // -e is the next option, not a password
        (_, user, password) = ShellCredentialsArguments.Split(["-k", "ks"]);
        Assert.Equal(((string?)null, (string?)null), (user, password));
        Assert.Throws<UsageException>(() => ShellCredentialsArguments.Split(["-p", "x"]));
        Assert.Throws<UsageException>(() => ShellCredentialsArguments.Split(["-u"]));
    }

    [Fact]
    public void Login_takes_a_user_and_an_optional_quoted_password()
    {
        Assert.Equal(("bob", (string?)null), ShellLogin.Parse("bob"));
        Assert.Equal(("Bob", "pa ss'w"), ShellLogin.Parse("\"Bob\" 'pa ss''w'"));
        Assert.Equal(("bob", "plain"), ShellLogin.Parse("bob plain"));
        Assert.Throws<RingStore.Core.Errors.InvalidRequestException>(() => ShellLogin.Parse(""));
        Assert.Throws<RingStore.Core.Errors.InvalidRequestException>(() => ShellLogin.Parse("a b c"));
        var directive = ShellDirective.TryParse("login bob 'two  blanks';");
        Assert.Equal(new ShellDirective(ShellDirectiveKind.Login, "bob 'two  blanks'"), directive);
    }

    [Fact]
    public void Logins_and_passwords_never_reach_the_history_file()
    {
        string path = Path.Combine(Path.GetTempPath(), "ringstore-history-" + Guid.NewGuid().ToString("N"));
        try
        {
            var history = new CommandHistory(path);
            history.Add("LOGIN bob 'hunter2'");
            history.Add("  login bob");
            history.Add("CREATE ROLE r WITH PASSWORD = 'hunter2' AND LOGIN = true;");
            history.Add("ALTER ROLE r WITH password = 'hunter2';");
            history.Add("CREATE USER u WITH PASSWORD 'hunter2';");
            history.Add("SELECT * FROM ks.t;");
            history.Add("GRANT SELECT ON ks.t TO r;");
            Assert.Equal(["SELECT * FROM ks.t;", "GRANT SELECT ON ks.t TO r;"], history.Entries);
            string file = File.ReadAllText(path);
            Assert.DoesNotContain("hunter2", file, StringComparison.Ordinal);
            Assert.DoesNotContain("LOGIN", file, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(2, new CommandHistory(path).Entries.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

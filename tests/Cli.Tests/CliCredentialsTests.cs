using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;

namespace RingStore.Cli.Tests;

/// <summary>Every command's --user/--password (or the environment) become the credentials its gRPC calls carry.</summary>
[Collection(ClusterCollection.Name)] // CliCredentials.Current is process-wide: keep these off the parallel tests
public sealed class CliCredentialsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void User_and_password_are_taken_out_of_the_arguments()
    {
        var rest = CliCredentials.TakeCredentialOptions(["--host", "h:1", "--user", "admin", "--password=s3cret", "--", "--user", "x"], NoEnvironment);
        Assert.Equal(["--host", "h:1", "--", "--user", "x"], rest);
        Assert.Equal(new RingStore.Client.Auth.ClientCredentials("admin", "s3cret"), CliCredentials.Current);
        Assert.DoesNotContain("s3cret", CliCredentials.Current!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_supplies_what_the_command_line_does_not()
    {
        var environment = new Dictionary<string, string> { [CliCredentials.UserVariable] = "ops", [CliCredentials.PasswordVariable] = "pw" };
        CliCredentials.TakeCredentialOptions(["status"], name => environment.GetValueOrDefault(name));
        Assert.Equal(new RingStore.Client.Auth.ClientCredentials("ops", "pw"), CliCredentials.Current);
        CliCredentials.TakeCredentialOptions(["--password", "other"], name => environment.GetValueOrDefault(name));
        Assert.Equal("other", CliCredentials.Current!.Password);
    }

    [Fact]
    public void No_user_means_no_credentials_and_half_a_login_is_a_usage_error()
    {
        CliCredentials.TakeCredentialOptions(["--user", "a", "--password", "b"], NoEnvironment);
        CliCredentials.TakeCredentialOptions(["status"], NoEnvironment);
        Assert.Null(CliCredentials.Current); // not left over from the previous command
        Assert.Throws<UsageException>(() => CliCredentials.TakeCredentialOptions(["--user", "a"], NoEnvironment));
        Assert.Throws<UsageException>(() => CliCredentials.TakeCredentialOptions(["--password", "b"], NoEnvironment));
        Assert.Throws<UsageException>(() => CliCredentials.TakeCredentialOptions(["--user"], NoEnvironment));
    }
}

using RingStore.Client.Auth;

namespace RingStore.Cli.Cluster;

/// <summary>
/// The role every command (besides the shell, which has its own -u/-p and LOGIN) logs in as on a cluster with the
/// password authenticator: <c>--user NAME</c> and <c>--password PW</c>, taken out of the arguments before the command
/// parses them, or the environment (RINGSTORE_USER, RINGSTORE_PASSWORD; better for the password, which other users can
/// read on a command line). No user: calls carry no credentials, as a cluster without authentication expects.
/// </summary>
public static class CliCredentials
{
    public const string UserVariable = "RINGSTORE_USER";
    public const string PasswordVariable = "RINGSTORE_PASSWORD";

    public static ClientCredentials? Current { get; private set; }

    /// <summary>Removes <c>--user</c> / <c>--password</c> (before a lone <c>--</c>) and sets <see cref="Current"/>.</summary>
    public static string[] TakeCredentialOptions(string[] args, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        environment ??= Environment.GetEnvironmentVariable;
        string? user = null, password = null;
        var rest = new List<string>(args.Length);
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                rest.AddRange(args[i..]);
                break;
            }
            if (a is "--user" or "--password")
            {
                if (i + 1 >= args.Length) throw new CommandLine.UsageException($"{a} needs a value");
                if (a == "--user") user = args[++i];
                else password = args[++i];
            }
            else if (a.StartsWith("--user=", StringComparison.Ordinal)) user = a["--user=".Length..];
            else if (a.StartsWith("--password=", StringComparison.Ordinal)) password = a["--password=".Length..];
            else rest.Add(a);
        }

        user ??= environment(UserVariable);
        password ??= environment(PasswordVariable);
        if (string.IsNullOrEmpty(user))
        {
            if (!string.IsNullOrEmpty(password)) throw new CommandLine.UsageException($"a password needs a user (--user or {UserVariable})");
            Current = null; // one command per call (tests run several in one process)
            return rest.ToArray();
        }
        if (password is null) throw new CommandLine.UsageException($"--user {user} needs a password (--password or {PasswordVariable})");
        Current = new ClientCredentials(user, password);
        return rest.ToArray();
    }
}

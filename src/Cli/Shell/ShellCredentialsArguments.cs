using RingStore.Cli.CommandLine;

namespace RingStore.Cli.Shell;

/// <summary>
/// Takes <c>-u/--username NAME</c> and <c>-p/--password [PASSWORD]</c> out of the shell's arguments (cqlsh's options): -p
/// takes the next argument as the password unless it is another option or missing, in which case the shell asks for
/// it without echo. Pure.
/// </summary>
public static class ShellCredentialsArguments
{
    public static (IReadOnlyList<string> Remaining, string? Username, string? Password) Split(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rest = new List<string>();
        string? username = null;
        string? password = null;
        bool passwordFlag = false;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-u" or "--username":
                    if (i + 1 >= args.Count) throw new UsageException($"{args[i]} needs a role name");
                    username = args[++i];
                    break;
                case "-p" or "--password":
                    passwordFlag = true;
                    if (i + 1 < args.Count && !args[i + 1].StartsWith('-')) password = args[++i];
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }
        if (passwordFlag && username is null) throw new UsageException("-p needs -u USER");
        return (rest, username, password);
    }
}

namespace RingStore.Cli.CommandLine;

/// <summary>The command line is wrong (unknown option, missing value): printed with the usage and exit code 2.</summary>
public sealed class UsageException : Exception
{
    public UsageException() { }

    public UsageException(string message) : base(message) { }

    public UsageException(string message, Exception inner) : base(message, inner) { }
}

namespace RingStore.Cli.CommandLine;

/// <summary>The command could not do its work (no such node, node down, refused): printed as <c>error: message</c>, exit code 1.</summary>
public sealed class CommandFailedException : Exception
{
    public CommandFailedException() { }

    public CommandFailedException(string message) : base(message) { }

    public CommandFailedException(string message, Exception inner) : base(message, inner) { }
}

namespace RingStore.Cli.Shell;

/// <summary>
/// Prints the warnings a node sent with a result, one "Warning: ..." line each, as cqlsh prints the native protocol's
/// warnings: to the error writer, in yellow when that writer is a terminal (plain text in scripts, pipes and tests).
/// </summary>
public sealed class ShellWarningPrinter(TextWriter error)
{
    private const string Yellow = "\u001b[33m";
    private const string Reset = "\u001b[0m";

    private readonly bool _color = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;

    public void Print(IEnumerable<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        foreach (var warning in warnings) error.WriteLine(Format(warning, _color));
    }

    public static string Format(string warning, bool color) => color ? $"{Yellow}Warning: {warning}{Reset}" : $"Warning: {warning}";
}

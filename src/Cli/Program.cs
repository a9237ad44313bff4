using RingStore.Cli.Commands;

namespace RingStore.Cli;

/// <summary>Entry point of the `ringstore` command: dispatches to one class per sub-command.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "help";
        string[] rest = args.Skip(1).ToArray();
        try
        {
            return command switch
            {
                "demo" => await DemoCommand.RunAsync(rest),
                "help" or "--help" or "-h" => Help(),
                _ => Unknown(command),
            };
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
    }

    private static int Help()
    {
        Console.WriteLine("usage: ringstore <command> [options]");
        Console.WriteLine("  demo [--dir PATH] [--sensors N] [--readings N]   write and query a time series with the storage engine");
        return 0;
    }

    private static int Unknown(string command)
    {
        Console.Error.WriteLine($"error: unknown command '{command}' (try 'ringstore help')");
        return 2;
    }
}

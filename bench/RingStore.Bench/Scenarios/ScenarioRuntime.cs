using System.Runtime.InteropServices;
using Spectre.Console;

namespace RingStore.Bench.Scenarios;

/// <summary>
/// Runs a scenario's async body with a token that Ctrl+C and SIGTERM cancel, keeping the process alive until the
/// body's own cleanup (stopping nodes, removing namespaces) has finished.
/// </summary>
public static class ScenarioRuntime
{
    public static int Run(Func<CancellationToken, Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var cts = new CancellationTokenSource();
        void Interrupt()
        {
            AnsiConsole.MarkupLine("[yellow]interrupted: stopping the nodes[/]");
            cts.Cancel();
        }
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            Interrupt();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            Interrupt();
        });
        try
        {
            if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;
            return body(cts.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>A progress line rewritten in place on a terminal; one line per call when output goes to a file.</summary>
    public static void Progress(string line, bool final = false)
    {
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine(line);
            return;
        }
        Console.Write("\r" + line.PadRight(110));
        if (final) Console.WriteLine();
    }
}

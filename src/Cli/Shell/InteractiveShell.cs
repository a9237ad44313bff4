using RingStore.Client;

namespace RingStore.Cli.Shell;

/// <summary>
/// The REPL on a terminal: prompt <c>ringstore&gt;</c> (<c>ringstore:ks&gt;</c> after USE), <c>   ...</c> while a
/// statement waits for its ';', history in ~/.ringstore_history, Tab completion from keywords and the schema,
/// the paging prompt, and Ctrl-C cancelling the running statement or the half-typed one instead of the shell.
/// </summary>
public static class InteractiveShell
{
    public static async Task<int> RunAsync(RingStoreClient client, ShellSettings settings)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(settings);
        var history = new CommandHistory(CommandHistory.DefaultPath);
        var session = new ShellSession(client, settings, Console.Out, Console.Error, TerminalLineEditor.AskForMore) { PasswordPrompt = PasswordPrompt.Read };
        var editor = new TerminalLineEditor(history,
            (line, cursor) => CqlCompleter.Complete(line, cursor, client.Metadata.Schema, client.Keyspace, session.HasPending ? session.Pending : ""));
        var statements = new StatementHistory();
        Console.WriteLine($"Connected to {client.Metadata.Ring.ClusterName} at {string.Join(", ", client.Options.ContactPoints)}.");
        Console.WriteLine("[ringstore shell | CQL] Use HELP for help, EXIT or Ctrl-D to leave.");

        CancellationTokenSource? running = null;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true; // Ctrl-C stops the statement, not the shell
            running?.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            while (!session.ExitRequested)
            {
                string prompt = session.HasPending ? "   ... " : client.Keyspace is { } ks ? $"ringstore:{ks}> " : "ringstore> ";
                var (outcome, line) = editor.ReadLine(prompt);
                if (outcome == TerminalLineEditor.Outcome.EndOfInput) break;
                if (outcome == TerminalLineEditor.Outcome.Cancelled)
                {
                    session.ClearPending();
                    statements.Clear();
                    continue;
                }
                running = new CancellationTokenSource();
                try
                {
                    await session.FeedLineAsync(line, running.Token);
                }
                catch (OperationCanceledException)
                {
                    session.ClearPending();
                    await Console.Error.WriteLineAsync("Cancelled.");
                }
                finally
                {
                    // History gets the whole statement once it is complete (or abandoned by a cancelled run).
                    if (statements.Add(line, session.HasPending) is { } entry) history.Add(entry);
                    var done = running;
                    running = null;
                    done.Dispose();
                }
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        return 0;
    }
}

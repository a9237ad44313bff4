using System.Text;

namespace RingStore.Cli.Shell;

/// <summary>
/// Reads one line from a terminal with editing (arrows, Home/End, Ctrl-A/E/U/K/W, Alt/Ctrl-arrows by word),
/// history (Up/Down; whole statements, added by the caller), Ctrl-R reverse search and Tab completion (by the grammar:
/// <see cref="CqlCompleter"/>). Ctrl-C abandons the line, Ctrl-D on an empty line is end of input.
/// Redraws the whole line (which may wrap) on each key: simple, and fast enough for typing.
/// </summary>
public sealed class TerminalLineEditor(CommandHistory history, Func<string, int, (string Insert, IReadOnlyList<string> Candidates)> complete)
{
    private int _cursorRow;

    /// <summary>What the user did with the line: entered it, abandoned it (Ctrl-C), or ended input (Ctrl-D).</summary>
    public enum Outcome
    {
        Entered,
        Cancelled,
        EndOfInput,
    }

    public (Outcome Outcome, string Line) ReadLine(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var buffer = new LineBuffer(history.Entries);
        bool treatCtrlC = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
        _cursorRow = 0;
        try
        {
            Render(prompt, buffer);
            while (true)
            {
                var key = Console.ReadKey(intercept: true);
                bool ctrl = (key.Modifiers & ConsoleModifiers.Control) != 0;
                bool alt = (key.Modifiers & ConsoleModifiers.Alt) != 0;
                switch (key.Key)
                {
                    case ConsoleKey.Enter:
                        buffer.End();
                        Render(prompt, buffer);
                        Console.Write("\r\n");
                        return (Outcome.Entered, buffer.Text);
                    case ConsoleKey.R when ctrl:
                        if (Search(prompt, buffer))
                        {
                            Console.Write("\r\n");
                            return (Outcome.Entered, buffer.Text);
                        }
                        break;
                    case ConsoleKey.C when ctrl:
                        buffer.End();
                        Render(prompt, buffer);
                        Console.Write("^C\r\n");
                        return (Outcome.Cancelled, "");
                    case ConsoleKey.D when ctrl:
                        if (buffer.Text.Length == 0)
                        {
                            Console.Write("\r\n");
                            return (Outcome.EndOfInput, "");
                        }
                        buffer.Delete();
                        break;
                    case ConsoleKey.Backspace: buffer.Backspace(); break;
                    case ConsoleKey.Delete: buffer.Delete(); break;
                    case ConsoleKey.LeftArrow when ctrl || alt: buffer.WordLeft(); break;
                    case ConsoleKey.RightArrow when ctrl || alt: buffer.WordRight(); break;
                    case ConsoleKey.LeftArrow or ConsoleKey.B when key.Key == ConsoleKey.LeftArrow || ctrl: buffer.Left(); break;
                    case ConsoleKey.RightArrow or ConsoleKey.F when key.Key == ConsoleKey.RightArrow || ctrl: buffer.Right(); break;
                    case ConsoleKey.Home or ConsoleKey.A when key.Key == ConsoleKey.Home || ctrl: buffer.Home(); break;
                    case ConsoleKey.End or ConsoleKey.E when key.Key == ConsoleKey.End || ctrl: buffer.End(); break;
                    case ConsoleKey.UpArrow or ConsoleKey.P when key.Key == ConsoleKey.UpArrow || ctrl: buffer.HistoryPrevious(); break;
                    case ConsoleKey.DownArrow or ConsoleKey.N when key.Key == ConsoleKey.DownArrow || ctrl: buffer.HistoryNext(); break;
                    case ConsoleKey.U when ctrl: buffer.DeleteToStart(); break;
                    case ConsoleKey.K when ctrl: buffer.DeleteToEnd(); break;
                    case ConsoleKey.W when ctrl: buffer.DeleteWordBefore(); break;
                    case ConsoleKey.L when ctrl:
                        Console.Write("\u001b[2J\u001b[H");
                        _cursorRow = 0;
                        break;
                    case ConsoleKey.Tab:
                        Complete(prompt, buffer);
                        break;
                    default:
                        if (!ctrl && key.KeyChar >= ' ' && key.KeyChar != '\u007f') buffer.Insert(key.KeyChar.ToString());
                        else if (key.KeyChar == '\u007f') buffer.Backspace();
                        break;
                }
                Render(prompt, buffer);
            }
        }
        finally
        {
            Console.TreatControlCAsInput = treatCtrlC;
        }
    }

    /// <summary>What the paging prompt says: how to go on and how to stop.</summary>
    public const string MorePrompt = "---MORE--- (any key: next page; q, Esc or Ctrl-C: stop)";

    /// <summary>
    /// The paging prompt. Ctrl-C is read as a key here (not as the signal, which would cancel the statement while
    /// ReadKey went on waiting and then swallowed the next key): it stops the listing at once, as q and Esc do.
    /// </summary>
    public static bool AskForMore()
    {
        Console.Write(MorePrompt);
        bool treatCtrlC = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
        ConsoleKeyInfo key;
        try
        {
            key = Console.ReadKey(intercept: true);
        }
        finally
        {
            Console.TreatControlCAsInput = treatCtrlC;
        }
        Console.Write("\r" + new string(' ', MorePrompt.Length) + "\r");
        return ContinuesListing(key);
    }

    /// <summary>Whether a key pressed at <see cref="MorePrompt"/> asks for the next page. Pure.</summary>
    public static bool ContinuesListing(ConsoleKeyInfo key)
    {
        bool ctrlC = key.KeyChar == '\u0003' || (key.Key == ConsoleKey.C && (key.Modifiers & ConsoleModifiers.Control) != 0);
        return !ctrlC && key.Key != ConsoleKey.Escape && key.KeyChar is not ('q' or 'Q');
    }

    /// <summary>
    /// Ctrl-R: reverse incremental search. Typing narrows, Ctrl-R goes further back, Enter runs the match, Esc or an
    /// arrow keeps it for editing, Ctrl-G or Ctrl-C gives up (the line is as before). Returns true for Enter.
    /// </summary>
    private bool Search(string prompt, LineBuffer buffer)
    {
        var search = new HistorySearch(history.Entries);
        string original = buffer.Text;
        while (true)
        {
            var shown = new LineBuffer([]);
            shown.Load(search.Match);
            Render(search.Prompt, shown);
            var key = Console.ReadKey(intercept: true);
            bool ctrl = (key.Modifiers & ConsoleModifiers.Control) != 0;
            switch (key.Key)
            {
                case ConsoleKey.R when ctrl:
                    search.Older();
                    break;
                case ConsoleKey.Enter:
                    buffer.Load(search.MatchIndex >= 0 ? search.Match : original);
                    Render(prompt, buffer);
                    return true;
                case ConsoleKey.G or ConsoleKey.C when ctrl:
                    buffer.Load(original);
                    return false;
                case ConsoleKey.Backspace:
                    search.Backspace();
                    break;
                default:
                    if (!ctrl && key.KeyChar >= ' ' && key.KeyChar != '\u007f')
                    {
                        search.Type(key.KeyChar.ToString());
                        break;
                    }
                    buffer.Load(search.MatchIndex >= 0 ? search.Match : original);
                    return false;
            }
        }
    }

    private void Complete(string prompt, LineBuffer buffer)
    {
        var (insert, candidates) = complete(buffer.Text, buffer.Cursor);
        if (insert.Length > 0)
        {
            buffer.Insert(insert);
            return;
        }
        if (candidates.Count <= 1) return;
        // Several candidates and nothing in common to add: list them under the line, then draw the line again.
        int saved = buffer.Cursor;
        buffer.End();
        Render(prompt, buffer);
        Console.Write("\r\n" + string.Join("  ", candidates) + "\r\n");
        _cursorRow = 0;
        buffer.Home();
        for (int i = 0; i < saved; i++) buffer.Right();
    }

    private void Render(string prompt, LineBuffer buffer)
    {
        int width = Math.Max(10, SafeWidth());
        var sb = new StringBuilder();
        if (_cursorRow > 0) sb.Append("\u001b[").Append(_cursorRow).Append('A');
        sb.Append('\r').Append(prompt).Append(buffer.Text).Append("\u001b[J");
        int end = prompt.Length + buffer.Text.Length;
        // At an exact multiple of the width the terminal waits to wrap; move to the next row so positions are known.
        if (end > 0 && end % width == 0) sb.Append("\r\n");
        int endRow = end / width;
        int target = prompt.Length + buffer.Cursor;
        int targetRow = target / width, targetColumn = target % width;
        if (endRow > targetRow) sb.Append("\u001b[").Append(endRow - targetRow).Append('A');
        sb.Append('\r');
        if (targetColumn > 0) sb.Append("\u001b[").Append(targetColumn).Append('C');
        Console.Write(sb.ToString());
        _cursorRow = targetRow;
    }

    private static int SafeWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}

using System.Text;

namespace RingStore.Cli.Shell;

/// <summary>
/// Asks for a password without echoing it: on a terminal key by key (Backspace works, Ctrl-C/Escape gives up); with
/// input redirected, the next line of standard input (as getpass falls back to), so scripts can pipe it in.
/// </summary>
public static class PasswordPrompt
{
    public static string? Read(string prompt)
    {
        Console.Error.Write(prompt);
        if (Console.IsInputRedirected)
        {
            string? line = Console.In.ReadLine();
            Console.Error.WriteLine();
            return line;
        }
        var password = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    Console.Error.WriteLine();
                    return password.ToString();
                case ConsoleKey.Escape:
                    Console.Error.WriteLine();
                    return null;
                case ConsoleKey.Backspace:
                    if (password.Length > 0) password.Length--;
                    break;
                default:
                    if (key.Modifiers.HasFlag(ConsoleModifiers.Control) && key.Key is ConsoleKey.C or ConsoleKey.D)
                    {
                        Console.Error.WriteLine();
                        return null;
                    }
                    if (!char.IsControl(key.KeyChar)) password.Append(key.KeyChar);
                    break;
            }
        }
    }
}

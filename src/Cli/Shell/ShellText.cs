using System.Globalization;
using System.Text;

namespace RingStore.Cli.Shell;

/// <summary>
/// Text the shell prints that came from the user or the data: control characters escaped (a NUL or an ESC in a value
/// must not reach the terminal), and, in error messages, long echoed identifiers and values shortened with an ellipsis.
/// Pure.
/// </summary>
public static class ShellText
{
    /// <summary>Echoed words longer than this are shortened in error messages.</summary>
    public const int MaxEchoedLength = 48;

    /// <summary><c>\n \r \t</c> as such, other control characters (C0, DEL, C1) as <c>\xNN</c>, as cqlsh prints them.</summary>
    public static string EscapeControl(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(IsControl)) return text;
        var sb = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (IsControl(c)) sb.Append("\\x").Append(((int)c).ToString(c > 0xff ? "x4" : "x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Each run of non-blank characters longer than <paramref name="max"/> keeps its start, "..." and its closing quote if any.</summary>
    public static string ShortenWords(string text, int max = MaxEchoedLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                sb.Append(text[i++]);
                continue;
            }
            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
            string word = text[start..i];
            if (word.Length <= max)
            {
                sb.Append(word);
                continue;
            }
            // Keep trailing punctuation that closes the word (quotes, brackets, ':' ',' '.').
            int tail = word.Length;
            while (tail > 0 && word[tail - 1] is '\'' or '"' or ')' or ']' or '}' or ',' or '.' or ':' or ';') tail--;
            string closing = word[tail..];
            if (closing.Length > 4) closing = closing[^4..];
            sb.Append(word.AsSpan(0, max - 3)).Append("...").Append(closing);
        }
        return sb.ToString();
    }

    /// <summary>An error message as printed: control characters escaped, long words shortened.</summary>
    public static string ForMessage(string message) => ShortenWords(EscapeControl(message));

    private static bool IsControl(char c) => c < ' ' || c is >= '\u007f' and <= '\u009f';
}

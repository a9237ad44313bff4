namespace RingStore.Cli.Shell;

/// <summary>What a shell command (not a CQL statement) asks for.</summary>
public enum ShellDirectiveKind
{
    Consistency,
    Paging,
    Expand,
    Timing,
    Describe,
    Source,
    Help,
    Clear,
    Exit,
    Show,
    Tracing,
    Copy,
    Login,
}

/// <summary>A parsed shell command: <c>CONSISTENCY QUORUM</c> is (Consistency, "QUORUM"); the argument may be empty.</summary>
public sealed record ShellDirective(ShellDirectiveKind Kind, string Argument)
{
    private static readonly Dictionary<string, ShellDirectiveKind> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CONSISTENCY"] = ShellDirectiveKind.Consistency,
        ["PAGING"] = ShellDirectiveKind.Paging,
        ["EXPAND"] = ShellDirectiveKind.Expand,
        ["TIMING"] = ShellDirectiveKind.Timing,
        ["DESCRIBE"] = ShellDirectiveKind.Describe,
        ["DESC"] = ShellDirectiveKind.Describe,
        ["SOURCE"] = ShellDirectiveKind.Source,
        ["HELP"] = ShellDirectiveKind.Help,
        ["CLEAR"] = ShellDirectiveKind.Clear,
        ["CLS"] = ShellDirectiveKind.Clear,
        ["EXIT"] = ShellDirectiveKind.Exit,
        ["QUIT"] = ShellDirectiveKind.Exit,
        ["SHOW"] = ShellDirectiveKind.Show,
        ["TRACING"] = ShellDirectiveKind.Tracing,
        ["COPY"] = ShellDirectiveKind.Copy,
        ["LOGIN"] = ShellDirectiveKind.Login,
    };

    /// <summary>Shell command names, for completion.</summary>
    public static IReadOnlyCollection<string> Names => Words.Keys;

    /// <summary>True when the text starts with a shell command's name (no CQL statement starts with one).</summary>
    public static bool StartsDirective(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Words.ContainsKey(FirstWord(text.TrimStart()));
    }

    /// <summary>Parses one shell command; a trailing ';' and surrounding blanks are ignored. Null when it is not one.</summary>
    public static ShellDirective? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim().TrimEnd(';').Trim();
        string word = FirstWord(trimmed);
        if (!Words.TryGetValue(word, out var kind)) return null;
        string argument = string.Join(' ', trimmed[word.Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (kind == ShellDirectiveKind.Source) argument = Unquote(trimmed[word.Length..].Trim());
        if (kind == ShellDirectiveKind.Login) argument = trimmed[word.Length..].Trim(); // a quoted password keeps its blanks
        return new ShellDirective(kind, argument);
    }

    private static string FirstWord(string text)
    {
        int end = 0;
        while (end < text.Length && char.IsAsciiLetter(text[end])) end++;
        return end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != ';' ? "" : text[..end];
    }

    private static string Unquote(string text) =>
        text.Length >= 2 && (text[0] == '\'' || text[0] == '"') && text[^1] == text[0] ? text[1..^1] : text;
}

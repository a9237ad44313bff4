namespace RingStore.Cli.Shell;

/// <summary>
/// Gathers the lines of a statement typed over several lines so that history gets the whole statement as one entry
/// (Up brings it back whole), as cqlsh does. Lines are joined with one blank, each trimmed. Pure.
/// </summary>
public sealed class StatementHistory
{
    private readonly List<string> _lines = [];

    /// <summary>Adds an entered line; returns the history entry once no statement is pending any more, else null.</summary>
    public string? Add(string line, bool statementPending)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Trim().Length > 0) _lines.Add(line.Trim());
        if (statementPending) return null;
        string entry = string.Join(' ', _lines);
        _lines.Clear();
        return entry.Length > 0 ? entry : null;
    }

    /// <summary>The half-typed statement was abandoned (Ctrl-C): its lines do not go to history.</summary>
    public void Clear() => _lines.Clear();
}

/// <summary>
/// Ctrl-R: reverse incremental search through history, newest first. Typing extends the query, Ctrl-R again looks
/// further back, Backspace shortens the query. Pure.
/// </summary>
public sealed class HistorySearch(IReadOnlyList<string> entries)
{
    public string Query { get; private set; } = "";

    /// <summary>Index in the history of the current match; -1 when none.</summary>
    public int MatchIndex { get; private set; } = -1;

    /// <summary>The last search found nothing (the previous match, if any, stays shown).</summary>
    public bool Failing { get; private set; }

    public string Match => MatchIndex >= 0 ? entries[MatchIndex] : "";

    /// <summary>The prompt bash and cqlsh show while searching.</summary>
    public string Prompt => $"({(Failing ? "failed " : "")}reverse-i-search)`{Query}': ";

    public void Type(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Query += text;
        Find(MatchIndex >= 0 ? MatchIndex : entries.Count - 1);
    }

    public void Backspace()
    {
        if (Query.Length == 0) return;
        Query = Query[..^1];
        Find(entries.Count - 1);
    }

    /// <summary>Ctrl-R again: the next older entry that matches.</summary>
    public void Older() => Find(MatchIndex >= 0 ? MatchIndex - 1 : entries.Count - 1);

    private void Find(int from)
    {
        if (Query.Length == 0)
        {
            Failing = false;
            return;
        }
        for (int i = Math.Min(from, entries.Count - 1); i >= 0; i--)
        {
            if (!entries[i].Contains(Query, StringComparison.OrdinalIgnoreCase)) continue;
            MatchIndex = i;
            Failing = false;
            return;
        }
        Failing = true;
    }
}

namespace RingStore.Cli.Shell;

/// <summary>
/// The text being edited on one input line, its cursor, and a walk through history (Up/Down). Pure: the
/// terminal code maps keys to these operations and redraws <see cref="Text"/> with the cursor at <see cref="Cursor"/>.
/// </summary>
public sealed class LineBuffer(IReadOnlyList<string> history)
{
    private string _text = "";
    private int _historyIndex = history.Count;
    private string _draft = "";

    public string Text => _text;

    public int Cursor { get; private set; }

    public void Insert(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        _text = _text.Insert(Cursor, s);
        Cursor += s.Length;
    }

    public void Backspace()
    {
        if (Cursor == 0) return;
        _text = _text.Remove(Cursor - 1, 1);
        Cursor--;
    }

    public void Delete()
    {
        if (Cursor < _text.Length) _text = _text.Remove(Cursor, 1);
    }

    public void Left() => Cursor = Math.Max(0, Cursor - 1);

    public void Right() => Cursor = Math.Min(_text.Length, Cursor + 1);

    public void Home() => Cursor = 0;

    public void End() => Cursor = _text.Length;

    public void WordLeft()
    {
        while (Cursor > 0 && _text[Cursor - 1] == ' ') Cursor--;
        while (Cursor > 0 && _text[Cursor - 1] != ' ') Cursor--;
    }

    public void WordRight()
    {
        while (Cursor < _text.Length && _text[Cursor] == ' ') Cursor++;
        while (Cursor < _text.Length && _text[Cursor] != ' ') Cursor++;
    }

    /// <summary>Ctrl-U: delete from the start of the line to the cursor.</summary>
    public void DeleteToStart()
    {
        _text = _text[Cursor..];
        Cursor = 0;
    }

    /// <summary>Ctrl-K: delete from the cursor to the end of the line.</summary>
    public void DeleteToEnd() => _text = _text[..Cursor];

    /// <summary>Ctrl-W: delete the word before the cursor.</summary>
    public void DeleteWordBefore()
    {
        int end = Cursor;
        WordLeft();
        _text = _text.Remove(Cursor, end - Cursor);
    }

    /// <summary>Up: the previous history entry (the line being typed is kept and comes back at the bottom).</summary>
    public void HistoryPrevious()
    {
        if (_historyIndex == 0) return;
        if (_historyIndex == history.Count) _draft = _text;
        _historyIndex--;
        Replace(history[_historyIndex]);
    }

    public void HistoryNext()
    {
        if (_historyIndex >= history.Count) return;
        _historyIndex++;
        Replace(_historyIndex == history.Count ? _draft : history[_historyIndex]);
    }

    /// <summary>The word the cursor is at the end of (what Tab completes).</summary>
    public string WordBeforeCursor()
    {
        int start = Cursor;
        while (start > 0 && (char.IsLetterOrDigit(_text[start - 1]) || _text[start - 1] == '_')) start--;
        return _text[start..Cursor];
    }

    /// <summary>Replaces the text (a line found by Ctrl-R), cursor at the end.</summary>
    public void Load(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Replace(text);
    }

    private void Replace(string text)
    {
        _text = text;
        Cursor = text.Length;
    }
}

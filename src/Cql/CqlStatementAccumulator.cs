using System.Text;

namespace RingStore.Cql;

/// <summary>
/// <see cref="CqlScript.SplitStatements"/> for input that arrives line by line (the shell, <c>-f</c>, piped input):
/// each line is lexed once, so a statement of n lines costs O(n) rather than the O(n²) of splitting the whole
/// pending text again on every line. Lines are joined with '\n'; a token other than a string or block comment
/// never spans a line break, so tokens before the last line are final, and only an unclosed string or comment is
/// lexed again (from its start) when a later line holds the character that can close it. Same statements and
/// remainder as <see cref="CqlScript.SplitStatements"/> on the joined text.
/// </summary>
public sealed class CqlStatementAccumulator
{
    private readonly StringBuilder _text = new();
    private readonly Action<int>? _scanned;
    private int _lexFrom;            // offset in _text where lexing resumes
    private int _start = -1;         // offset of the current statement's first token, -1 before it
    private int _unterminated = -1;  // offset of an unclosed string or comment at the end, -1 when none
    private char _closer;            // a character the unclosed token needs to see to close
    private bool _inBatch;
    private bool _afterApply;        // the last token was APPLY inside a batch

    /// <param name="scanned">Told how many characters each step scans (lexing, or looking for a closing quote): a work counter for tests.</param>
    public CqlStatementAccumulator(Action<int>? scanned = null) => _scanned = scanned;

    /// <summary>True when text is waiting: a statement without its ';', or an unclosed string or comment.</summary>
    public bool HasPending => _start >= 0 || _unterminated >= 0;

    /// <summary>The waiting text, trimmed (the split's remainder). Builds a string: not for every line.</summary>
    public string Pending =>
        _start >= 0 ? _text.ToString(_start, _text.Length - _start).Trim()
        : _unterminated >= 0 ? _text.ToString(_unterminated, _text.Length - _unterminated).Trim()
        : "";

    /// <summary>Whether the waiting text began in the last line fed (so a caller may look at how it starts).</summary>
    public bool PendingStartedInLastLine { get; private set; }

    /// <summary>Adds one line; returns the statements it completed (trimmed, without their ';').</summary>
    public IReadOnlyList<string> AddLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        int lineStart = _text.Length == 0 ? 0 : _text.Length + 1;
        if (_text.Length > 0) _text.Append('\n');
        _text.Append(line);

        if (_unterminated >= 0)
        {
            _scanned?.Invoke(line.Length);
            if (line.Contains(_closer, StringComparison.Ordinal))
            {
                _lexFrom = _unterminated;
                _unterminated = -1;
            }
            else
            {
                PendingStartedInLastLine = false;
                return [];
            }
        }

        var statements = Lex();
        PendingStartedInLastLine = HasPending && PendingOffset >= lineStart;
        Compact();
        return statements;
    }

    /// <summary>Drops the waiting text (Ctrl-C in the REPL).</summary>
    public void Clear()
    {
        _text.Clear();
        _lexFrom = 0;
        _start = -1;
        _unterminated = -1;
        _inBatch = false;
        _afterApply = false;
        PendingStartedInLastLine = false;
    }

    private int PendingOffset => _start >= 0 ? _start : _unterminated;

    private List<string> Lex()
    {
        string chunk = _text.ToString(_lexFrom, _text.Length - _lexFrom);
        _scanned?.Invoke(chunk.Length);
        var tokens = CqlLexer.Tokenize(chunk);
        var statements = new List<string>();
        int offset = _lexFrom;
        foreach (var t in tokens)
        {
            if (t.Kind == CqlTokenKind.EndOfInput) break;
            if (t.Kind == CqlTokenKind.Unterminated)
            {
                _unterminated = offset + t.Offset;
                _closer = t.Text[0] switch
                {
                    '\'' => '\'',
                    '"' => '"',
                    '$' => '$',
                    _ => '/', // a block comment closes with */
                };
                break;
            }
            if (_start < 0)
            {
                if (t.IsSymbol(";")) continue;
                _start = offset + t.Offset;
                _inBatch = t.IsKeyword("BEGIN");
                _afterApply = false;
                continue;
            }
            if (_inBatch && _afterApply && t.IsKeyword("BATCH")) _inBatch = false;
            else if (t.IsSymbol(";") && !_inBatch)
            {
                int end = offset + t.Offset;
                statements.Add(_text.ToString(_start, end - _start).Trim());
                _start = -1;
            }
            _afterApply = _inBatch && t.IsKeyword("APPLY");
        }
        _lexFrom = _unterminated >= 0 ? _unterminated : _text.Length;
        return statements;
    }

    // Keeps only the text from the waiting statement (or unclosed token) on, so completed statements are not kept.
    private void Compact()
    {
        int keep = HasPending ? PendingOffset : _text.Length;
        if (keep == 0) return;
        _text.Remove(0, keep);
        _lexFrom -= keep;
        if (_start >= 0) _start -= keep;
        if (_unterminated >= 0) _unterminated -= keep;
    }
}

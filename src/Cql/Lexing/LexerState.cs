namespace RingStore.Cql;

/// <summary>The lexer's cursor: position plus the line (from 1) and column (from 0) it corresponds to.</summary>
internal sealed class LexerState(string input)
{
    public string Input { get; } = input;
    public int Position { get; private set; }
    public int Line { get; private set; } = 1;
    public int Column { get; private set; }

    public bool AtEnd => Position >= Input.Length;
    public int Remaining => Input.Length - Position;
    public char Current => Input[Position];

    /// <summary>The character <paramref name="ahead"/> places on, or '\0' past the end.</summary>
    public char Peek(int ahead) => Position + ahead < Input.Length ? Input[Position + ahead] : '\0';

    public CqlToken Emit(CqlTokenKind kind, int length, string? value = null)
    {
        string text = Input.Substring(Position, length);
        var token = new CqlToken(kind, text, value ?? text, Line, Column, Position);
        Advance(length);
        return token;
    }

    /// <summary>Skips blanks and comments; an unclosed block comment becomes an Unterminated token.</summary>
    public void SkipWhitespaceAndComments(List<CqlToken> tokens)
    {
        while (!AtEnd)
        {
            char c = Current;
            if (char.IsWhiteSpace(c)) Advance(1);
            else if ((c == '-' && Peek(1) == '-') || (c == '/' && Peek(1) == '/')) SkipLine();
            else if (c == '/' && Peek(1) == '*')
            {
                int close = Input.IndexOf("*/", Position + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    tokens.Add(Emit(CqlTokenKind.Unterminated, Remaining));
                    return;
                }
                Advance(close + 2 - Position);
            }
            else return;
        }
    }

    private void SkipLine()
    {
        while (!AtEnd && Current != '\n') Advance(1);
    }

    private void Advance(int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (Input[Position] == '\n')
            {
                Line++;
                Column = 0;
            }
            else Column++;
            Position++;
        }
    }
}

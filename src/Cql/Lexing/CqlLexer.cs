using System.Text;

namespace RingStore.Cql;

/// <summary>
/// Hand-written tokenizer. It never throws: a character that starts no token becomes an
/// <see cref="CqlTokenKind.Invalid"/> token and an unclosed string or comment an
/// <see cref="CqlTokenKind.Unterminated"/> one, so the shell can tokenize half-typed input for
/// completion and statement splitting; the parser turns those tokens into syntax errors.
/// </summary>
public static class CqlLexer
{
    public static IReadOnlyList<CqlToken> Tokenize(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var state = new LexerState(input);
        var tokens = new List<CqlToken>();
        while (true)
        {
            state.SkipWhitespaceAndComments(tokens);
            if (state.AtEnd)
            {
                tokens.Add(new CqlToken(CqlTokenKind.EndOfInput, "", "", state.Line, state.Column, state.Position));
                return tokens;
            }
            tokens.Add(ReadToken(state));
        }
    }

    private static CqlToken ReadToken(LexerState s)
    {
        char c = s.Current;
        if (IsHexDigit(c) && LooksLikeUuid(s)) return s.Emit(CqlTokenKind.Uuid, 36);
        if (c == '0' && (s.Peek(1) is 'x' or 'X')) return ReadHex(s);
        if (char.IsAsciiDigit(c)) return ReadNumber(s);
        if (char.IsAsciiLetter(c)) return ReadWord(s);
        if (c == '\'') return ReadQuoted(s, '\'', CqlTokenKind.String);
        if (c == '"') return ReadQuoted(s, '"', CqlTokenKind.QuotedIdentifier);
        if (c == '$' && s.Peek(1) == '$') return ReadDollarString(s);
        if (c == '?') return s.Emit(CqlTokenKind.BindMarker, 1);
        if ((c is '<' or '>' or '!') && s.Peek(1) == '=') return s.Emit(CqlTokenKind.Symbol, 2);
        if ("(),;.=<>*{}:[]-+".Contains(c)) return s.Emit(CqlTokenKind.Symbol, 1);
        return s.Emit(CqlTokenKind.Invalid, char.IsSurrogatePair(s.Input, s.Position) ? 2 : 1);
    }

    private static bool IsHexDigit(char c) => char.IsAsciiHexDigit(c);

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    // A UUID must be checked before numbers and words: "123e4567-..." would otherwise lex as a float
    // and "cafebabe-..." as an identifier.
    private static bool LooksLikeUuid(LexerState s)
    {
        if (s.Remaining < 36) return false;
        for (int i = 0; i < 36; i++)
        {
            char c = s.Peek(i);
            bool ok = i is 8 or 13 or 18 or 23 ? c == '-' : IsHexDigit(c);
            if (!ok) return false;
        }
        return s.Remaining == 36 || !IsWordChar(s.Peek(36));
    }

    private static CqlToken ReadHex(LexerState s)
    {
        int n = 2;
        while (n < s.Remaining && IsHexDigit(s.Peek(n))) n++;
        return s.Emit(CqlTokenKind.Hex, n);
    }

    private static CqlToken ReadNumber(LexerState s)
    {
        int n = CountDigits(s, 0);
        bool isFloat = false;
        if (s.Peek(n) == '.')
        {
            isFloat = true;
            n = CountDigits(s, n + 1);
        }
        if (s.Peek(n) is 'e' or 'E')
        {
            int m = n + 1;
            if (s.Peek(m) is '+' or '-') m++;
            if (char.IsAsciiDigit(s.Peek(m)))
            {
                isFloat = true;
                n = CountDigits(s, m);
            }
        }
        return s.Emit(isFloat ? CqlTokenKind.Float : CqlTokenKind.Integer, n);
    }

    private static int CountDigits(LexerState s, int from)
    {
        while (char.IsAsciiDigit(s.Peek(from))) from++;
        return from;
    }

    private static CqlToken ReadWord(LexerState s)
    {
        int n = 1;
        while (IsWordChar(s.Peek(n))) n++;
        string text = s.Input.Substring(s.Position, n);
        string upper = text.ToUpperInvariant();
        return CqlKeywords.Reserved.Contains(upper)
            ? s.Emit(CqlTokenKind.Keyword, n, upper)
            : s.Emit(CqlTokenKind.Identifier, n, text.ToLowerInvariant());
    }

    /// <summary>'...' or "...", where a doubled quote stands for one.</summary>
    private static CqlToken ReadQuoted(LexerState s, char quote, CqlTokenKind kind)
    {
        var value = new StringBuilder();
        int n = 1;
        while (true)
        {
            if (n >= s.Remaining) return s.Emit(CqlTokenKind.Unterminated, n);
            char c = s.Peek(n);
            if (c == quote)
            {
                if (s.Peek(n + 1) != quote) return s.Emit(kind, n + 1, value.ToString());
                value.Append(quote);
                n += 2;
                continue;
            }
            value.Append(c);
            n++;
        }
    }

    private static CqlToken ReadDollarString(LexerState s)
    {
        int close = s.Input.IndexOf("$$", s.Position + 2, StringComparison.Ordinal);
        if (close < 0) return s.Emit(CqlTokenKind.Unterminated, s.Remaining);
        string value = s.Input.Substring(s.Position + 2, close - s.Position - 2);
        return s.Emit(CqlTokenKind.String, close + 2 - s.Position, value);
    }
}

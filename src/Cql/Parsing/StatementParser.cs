using RingStore.Cql.Ast;

namespace RingStore.Cql;

/// <summary>
/// The parser proper, one instance per input. This file holds the token cursor, the error helpers
/// and the statement dispatch; the grammar lives in the other StatementParser.*.cs files.
/// </summary>
internal sealed partial class StatementParser
{
    private const string StatementStarts = "a statement (SELECT, INSERT, UPDATE, DELETE, BEGIN BATCH, CREATE, DROP, USE or TRUNCATE)";

    // Commands the shell executes itself; typed against the server they get a pointed error.
    private static readonly HashSet<string> ShellCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        "CONSISTENCY", "SERIAL", "PAGING", "DESCRIBE", "DESC", "EXPAND", "SOURCE", "TRACING", "CAPTURE",
        "COPY", "SHOW", "CLEAR", "CLS", "EXIT", "QUIT", "HELP", "LOGIN",
    };

    private static readonly HashSet<string> UnsupportedStatements = new(StringComparer.OrdinalIgnoreCase)
    {
        "ALTER",
    };

    private readonly IReadOnlyList<CqlToken> _tokens;
    private int _position;
    private int _nextBindMarker;

    // Alternatives that optional clauses looked for at _notedPosition, reported when the statement
    // ends early ("extraneous input 'LIMT' expecting {ORDER, LIMIT, ALLOW, ';', <EOF>}").
    private readonly List<string> _noted = [];
    private int _notedPosition = -1;

    public StatementParser(IReadOnlyList<CqlToken> tokens)
    {
        _tokens = tokens;
        foreach (var token in tokens) ThrowIfLexicalError(token);
    }

    public CqlStatement ParseSingle()
    {
        var statement = ParseStatement();
        AcceptSymbol(";");
        if (Current.Kind != CqlTokenKind.EndOfInput) throw Extraneous();
        return statement;
    }

    public IReadOnlyList<CqlStatement> ParseScript()
    {
        var statements = new List<CqlStatement>();
        while (true)
        {
            while (Current.IsSymbol(";")) Advance();
            if (Current.Kind == CqlTokenKind.EndOfInput) return statements;
            _nextBindMarker = 0;
            statements.Add(ParseStatement());
            if (!AcceptSymbol(";") && Current.Kind != CqlTokenKind.EndOfInput) throw Extraneous();
        }
    }

    private CqlStatement ParseStatement()
    {
        var t = Current;
        if (t.Kind == CqlTokenKind.Keyword)
        {
            switch (t.Value)
            {
                case "SELECT": return ParseSelect();
                case "INSERT": return ParseInsert();
                case "UPDATE": return ParseUpdate();
                case "DELETE": return ParseDelete();
                case "BEGIN": return ParseBatch();
                case "CREATE": return ParseCreate();
                case "DROP": return ParseDrop();
                case "USE": return ParseUse();
                case "TRUNCATE": return ParseTruncate();
            }
        }
        if (TryParseRoleStatement() is { } role) return role;
        if (t.Kind is CqlTokenKind.Identifier or CqlTokenKind.Keyword)
        {
            if (ShellCommands.Contains(t.Value))
                throw Error(t, StatementStarts, $"{t.Value.ToUpperInvariant()} is a shell command, not a statement (expected {StatementStarts})");
            if (UnsupportedStatements.Contains(t.Value))
                throw Error(t, StatementStarts, $"{t.Value.ToUpperInvariant()} statements are not supported (expected {StatementStarts})");
        }
        throw NoViable(t, StatementStarts);
    }

    private CqlToken Current => _tokens[_position];

    private CqlToken PeekAhead(int count) => _tokens[Math.Min(_position + count, _tokens.Count - 1)];

    private CqlToken Advance()
    {
        var t = Current;
        if (t.Kind != CqlTokenKind.EndOfInput) _position++;
        return t;
    }

    private bool AcceptKeyword(string keyword) => Accept(Current.IsKeyword(keyword), keyword);

    /// <summary>Accepts an unreserved keyword (TTL, EXISTS, VALUES...), which lexes as an identifier.</summary>
    private bool AcceptWord(string word) => Accept(Current.Kind == CqlTokenKind.Identifier && Current.IsWord(word), word);

    private bool AcceptSymbol(string symbol) => Accept(Current.IsSymbol(symbol), "'" + symbol + "'");

    private bool Accept(bool matches, string noteIfMissing)
    {
        if (matches)
        {
            Advance();
            return true;
        }
        if (_notedPosition != _position)
        {
            _noted.Clear();
            _notedPosition = _position;
        }
        if (!_noted.Contains(noteIfMissing)) _noted.Add(noteIfMissing);
        return false;
    }

    private CqlToken ExpectKeyword(string keyword) =>
        Current.IsKeyword(keyword) ? Advance() : throw Mismatched(Current, keyword);

    private CqlToken ExpectWord(string word) =>
        Current.Kind == CqlTokenKind.Identifier && Current.IsWord(word) ? Advance() : throw Mismatched(Current, word);

    private CqlToken ExpectSymbol(string symbol) =>
        Current.IsSymbol(symbol) ? Advance() : throw Mismatched(Current, "'" + symbol + "'");

    private static CqlSyntaxException Mismatched(CqlToken found, string expected) =>
        Error(found, expected, $"mismatched input '{found.Display}' expecting {expected}");

    private static CqlSyntaxException NoViable(CqlToken found, string expected) =>
        Error(found, expected, $"no viable alternative at input '{found.Display}' (expected {expected})");

    private static CqlSyntaxException Error(CqlToken at, string expected, string message) =>
        new(at.Line, at.Column, expected, at.Display, message);

    /// <summary>The statement is complete but more input follows it.</summary>
    private CqlSyntaxException Extraneous()
    {
        var expected = _notedPosition == _position ? new List<string>(_noted) : [];
        if (!expected.Contains("';'")) expected.Add("';'");
        expected.Add("<EOF>");
        string set = "{" + string.Join(", ", expected) + "}";
        return Error(Current, set, $"extraneous input '{Current.Display}' expecting {set}");
    }

    private static void ThrowIfLexicalError(CqlToken token)
    {
        if (token.Kind == CqlTokenKind.Invalid)
            throw Error(token, "a valid token", $"token recognition error at: '{token.Text}'");
        if (token.Kind != CqlTokenKind.Unterminated) return;
        var (what, closing) = token.Text[0] switch
        {
            '\'' => ("string literal", "'"),
            '"' => ("quoted identifier", "\""),
            '$' => ("$$ string literal", "$$"),
            _ => ("block comment", "*/"),
        };
        throw new CqlSyntaxException(token.Line, token.Column, closing, "<EOF>",
            $"unterminated {what} (expected a closing {closing} before the end of input)");
    }
}

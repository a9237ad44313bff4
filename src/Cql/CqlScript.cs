
namespace RingStore.Cql;

/// <summary>Splits input into statements for the shell without parsing them.</summary>
public static class CqlScript
{
    /// <summary>
    /// Splits on top-level ';'. Semicolons inside strings, quoted names and comments do not count
    /// (the lexer sees them), nor do those between BEGIN ... BATCH and APPLY BATCH, which end the
    /// statements inside a batch rather than the batch. Statements holding only comments are dropped.
    /// </summary>
    public static CqlScriptSplit SplitStatements(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var tokens = CqlLexer.Tokenize(input);
        var statements = new List<string>();
        int start = -1;          // offset of the first token of the current statement, -1 before it
        bool inBatch = false;
        for (int i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind is CqlTokenKind.EndOfInput or CqlTokenKind.Unterminated) break;
            if (start < 0)
            {
                if (t.IsSymbol(";")) continue;
                start = t.Offset;
                inBatch = t.IsKeyword("BEGIN");
                continue;
            }
            if (inBatch && t.IsKeyword("APPLY") && tokens[i + 1].IsKeyword("BATCH")) inBatch = false;
            else if (t.IsSymbol(";") && !inBatch)
            {
                statements.Add(input[start..t.Offset].Trim());
                start = -1;
            }
        }
        string remainder = start < 0 ? RemainderAfterComplete(tokens) : input[start..].Trim();
        return new CqlScriptSplit(statements, remainder);
    }

    // Nothing pending unless the input ends inside a string or comment that began after the last ';'.
    private static string RemainderAfterComplete(IReadOnlyList<CqlToken> tokens)
    {
        var unterminated = tokens.FirstOrDefault(t => t.Kind == CqlTokenKind.Unterminated);
        return unterminated?.Text.Trim() ?? "";
    }
}

using RingStore.Client.Protos;
using RingStore.Cql;

namespace RingStore.Cli.Shell;

/// <summary>
/// Tab completion that follows the grammar, as cqlsh's: after FROM, INTO, UPDATE, TRUNCATE or TABLE the keyspaces
/// (as <c>ks.</c>) and the current keyspace's tables; after USE or KEYSPACE the keyspaces; <c>demo.</c> lists demo's
/// tables; between SELECT and FROM, after WHERE, AND, SET, BY or in INSERT's column list the columns of the table the
/// statement names (also when it comes later on the line); at the start of a statement the statements and shell
/// commands; keywords elsewhere. Pure.
/// </summary>
public static class CqlCompleter
{
    private static readonly string[] Starters =
        ["SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN", "APPLY", "CREATE", "DROP", "ALTER", "TRUNCATE", "USE"];

    private static readonly HashSet<string> TableContext = new(StringComparer.OrdinalIgnoreCase) { "FROM", "INTO", "UPDATE", "TRUNCATE", "TABLE" };
    private static readonly HashSet<string> KeyspaceContext = new(StringComparer.OrdinalIgnoreCase) { "USE", "KEYSPACE" };
    private static readonly HashSet<string> ColumnContext = new(StringComparer.OrdinalIgnoreCase) { "WHERE", "AND", "SET", "BY", "SELECT", "DISTINCT", "(" , "," };

    /// <param name="line">The whole line (a table named after the cursor counts).</param>
    /// <param name="cursor">Where the cursor is in <paramref name="line"/>.</param>
    /// <param name="pending">Earlier lines of the statement being typed (empty on its first line).</param>
    public static (string Insert, IReadOnlyList<string> Candidates) Complete(string line, int cursor, DescribeSchemaResponse? schema,
        string? keyspace, string pending = "")
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(pending);
        string before = line[..cursor];
        int start = cursor;
        while (start > 0 && IsWordChar(before[start - 1])) start--;
        string word = before[start..];
        string context = pending.Length > 0 ? pending + "\n" + before[..start] : before[..start];
        var tokens = Tokens(context);
        string previous = tokens.Count > 0 ? tokens[^1] : "";
        schema ??= new DescribeSchemaResponse();

        IEnumerable<string> candidates;
        bool keywordsToo = false;
        int dot = word.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            string ks = Unquote(word[..dot]);
            candidates = schema.Tables.Where(t => t.Keyspace == ks).Select(t => $"{word[..dot]}.{SchemaDescriber.Name(t.Name)}");
        }
        else if (KeyspaceContext.Contains(previous))
        {
            candidates = schema.Keyspaces.Select(k => SchemaDescriber.Name(k.Name));
        }
        else if (TableContext.Contains(previous))
        {
            candidates = schema.Keyspaces.Select(k => SchemaDescriber.Name(k.Name) + ".")
                .Concat(schema.Tables.Where(t => t.Keyspace == keyspace).Select(t => SchemaDescriber.Name(t.Name)));
        }
        else if (tokens.Count == 0)
        {
            candidates = Starters.Concat(ShellDirective.Names);
            keywordsToo = false;
        }
        else if (InColumnPosition(tokens, previous) && StatementTable(pending + "\n" + line, schema, keyspace) is { } table)
        {
            // Columns, and only the keywords that can stand where a column can.
            string[] extra = previous.ToUpperInvariant() switch
            {
                "SELECT" => ["DISTINCT", "COUNT", "TOKEN"],
                "DISTINCT" or "WHERE" or "AND" => ["TOKEN"],
                _ => [],
            };
            candidates = table.PartitionKey.Concat(table.Clustering).Concat(table.Columns).Select(c => SchemaDescriber.Name(c.Name)).Concat(extra);
        }
        else
        {
            candidates = [];
            keywordsToo = true;
        }
        if (keywordsToo)
            candidates = candidates.Concat(CqlKeywords.All).Concat(ConsistencyNames.All).Concat(["ON", "OFF", "KEYSPACES", "TABLES", "VERSION", "HOST"]);
        return KeywordCompleter.Extend(word, candidates);
    }

    private static bool InColumnPosition(List<string> tokens, string previous)
    {
        if (ColumnContext.Contains(previous)) return true;
        // Inside INSERT INTO t ( ... ) before VALUES.
        int open = tokens.LastIndexOf("(");
        return open > 0 && !tokens.Skip(open).Any(t => t == ")") && tokens.Take(open).Any(t => t.Equals("INTO", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The table named after FROM, INTO or UPDATE anywhere in the statement, resolved against the current keyspace.</summary>
    public static TableInfo? StatementTable(string text, DescribeSchemaResponse schema, string? keyspace)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var tokens = Tokens(text ?? "");
        for (int i = 0; i + 1 < tokens.Count; i++)
        {
            if (!tokens[i].Equals("FROM", StringComparison.OrdinalIgnoreCase) && !tokens[i].Equals("INTO", StringComparison.OrdinalIgnoreCase)
                && !tokens[i].Equals("UPDATE", StringComparison.OrdinalIgnoreCase)) continue;
            string name = tokens[i + 1];
            int dot = name.IndexOf('.', StringComparison.Ordinal);
            string? ks = dot > 0 ? Unquote(name[..dot]) : keyspace;
            string t = Unquote(dot > 0 ? name[(dot + 1)..] : name);
            var found = schema.Tables.FirstOrDefault(x => x.Keyspace == ks && x.Name == t);
            if (found is not null) return found;
        }
        return null;
    }

    /// <summary>Words (with dots and quotes) and the punctuation ( ) , as tokens; string literals skipped.</summary>
    private static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\'')
            {
                i++;
                while (i < text.Length && text[i] != '\'') i++;
                i++;
                tokens.Add("'");
            }
            else if (c is '(' or ')' or ',' or '=' or '<' or '>' or ';')
            {
                tokens.Add(c.ToString());
                i++;
                if (c == ';') tokens.Clear(); // a new statement starts
            }
            else if (IsWordChar(c) || c == '*')
            {
                int s = i;
                while (i < text.Length && (IsWordChar(text[i]) || text[i] == '*')) i++;
                tokens.Add(text[s..i]);
            }
            else
            {
                i++;
            }
        }
        return tokens;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '"';

    private static string Unquote(string name) =>
        name.Length >= 2 && name[0] == '"' && name[^1] == '"' ? name[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : name.ToLowerInvariant();
}

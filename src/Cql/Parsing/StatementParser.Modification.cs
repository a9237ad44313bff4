using RingStore.Cql.Ast;

namespace RingStore.Cql;

/// <summary>INSERT, UPDATE, DELETE, BATCH and their USING clauses.</summary>
internal sealed partial class StatementParser
{
    private const string LightweightTransactions =
        "lightweight transactions (IF ...) are not supported";

    private InsertStatement ParseInsert()
    {
        ExpectKeyword("INSERT");
        ExpectKeyword("INTO");
        var table = ParseTableName();
        if (Current.IsWord("JSON"))
            throw Error(Current, "'('", "INSERT JSON is not supported (expected '(')");
        ExpectSymbol("(");
        var columns = new List<string>();
        do
        {
            var t = Current;
            string column = ParseIdentifier("a column name");
            if (columns.Contains(column))
                throw Error(t, "a column not listed yet", $"column '{column}' is listed twice (expected each column once)");
            columns.Add(column);
        }
        while (AcceptSymbol(","));
        ExpectSymbol(")");
        ExpectWord("VALUES");
        ExpectSymbol("(");
        var values = new List<Term>();
        do
        {
            if (values.Count == columns.Count)
                throw Error(Current, "')'", $"more values than the {Count(columns.Count, "column")} named (expected ')')");
            values.Add(ParseTerm());
        }
        while (AcceptSymbol(","));
        if (values.Count < columns.Count)
        {
            string expected = Count(columns.Count, "value");
            throw Error(Current, expected,
                $"only {Count(values.Count, "value")} for {Count(columns.Count, "column")} (expected {expected}, one per column)");
        }
        ExpectSymbol(")");
        if (Current.IsKeyword("IF"))
            throw Error(Current, "USING, ';' or <EOF>", $"INSERT ... IF NOT EXISTS: {LightweightTransactions} (expected USING, ';' or <EOF>)");
        var usingClause = AcceptKeyword("USING") ? ParseUsingOptions(timeToLiveRefusal: null) : UsingClause.None;
        return new InsertStatement(table, new ValueList<string>(columns), new ValueList<Term>(values), usingClause);
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private UpdateStatement ParseUpdate()
    {
        ExpectKeyword("UPDATE");
        var table = ParseTableName();
        var usingClause = AcceptKeyword("USING") ? ParseUsingOptions(timeToLiveRefusal: null) : UsingClause.None;
        ExpectKeyword("SET");
        var assignments = new List<Assignment>();
        do
        {
            var t = Current;
            string column = ParseIdentifier("a column name");
            if (assignments.Any(a => a.Column == column))
                throw Error(t, "a column not set yet", $"column '{column}' is set twice (expected each column once)");
            ExpectSymbol("=");
            if (Current.Kind is CqlTokenKind.Identifier or CqlTokenKind.QuotedIdentifier && (PeekAhead(1).IsSymbol("+") || PeekAhead(1).IsSymbol("-")))
                throw Error(Current, TermExpected, $"counter and collection updates (c = c + x) are not supported (expected {TermExpected})");
            assignments.Add(new Assignment(column, ParseTerm()));
        }
        while (AcceptSymbol(","));
        var where = ParseRequiredWhere();
        RejectConditions();
        return new UpdateStatement(table, usingClause, new ValueList<Assignment>(assignments), where);
    }

    private DeleteStatement ParseDelete()
    {
        ExpectKeyword("DELETE");
        var columns = ValueList<string>.Empty;
        if (!Current.IsKeyword("FROM")) columns = ParseIdentifierList("a column name or FROM");
        ExpectKeyword("FROM");
        var table = ParseTableName();
        var usingClause = AcceptKeyword("USING") ? ParseUsingOptions(timeToLiveRefusal: "DELETE takes no TTL") : UsingClause.None;
        var where = ParseRequiredWhere();
        RejectConditions();
        return new DeleteStatement(columns, table, usingClause, where);
    }

    private ValueList<Restriction> ParseRequiredWhere()
    {
        ExpectKeyword("WHERE");
        return ParseRestrictions();
    }

    private void RejectConditions()
    {
        if (Current.IsKeyword("IF"))
            throw Error(Current, "';' or <EOF>", $"{LightweightTransactions} (expected ';' or <EOF>)");
    }

    /// <summary>After USING: (TTL term | TIMESTAMP term) (AND ...)*, each at most once; a non-null refusal forbids TTL.</summary>
    private UsingClause ParseUsingOptions(string? timeToLiveRefusal)
    {
        Term? ttl = null, timestamp = null;
        do
        {
            var t = Current;
            if (t.Kind == CqlTokenKind.Identifier && t.IsWord("TTL"))
            {
                if (timeToLiveRefusal is not null) throw Error(t, "TIMESTAMP", timeToLiveRefusal + " (expected TIMESTAMP)");
                if (ttl is not null) throw Error(t, "TIMESTAMP", "TTL is given twice (expected TIMESTAMP)");
                Advance();
                ttl = ParseTimeToLive();
            }
            else if (t.Kind == CqlTokenKind.Identifier && t.IsWord("TIMESTAMP"))
            {
                if (timestamp is not null) throw Error(t, "TTL", "TIMESTAMP is given twice (expected TTL)");
                Advance();
                timestamp = ParseTimestamp();
            }
            else throw NoViable(t, timeToLiveRefusal is null ? "TTL or TIMESTAMP" : "TIMESTAMP");
        }
        while (AcceptKeyword("AND"));
        return new UsingClause(ttl, timestamp);
    }

    private BatchStatement ParseBatch()
    {
        ExpectKeyword("BEGIN");
        var kind = BatchKind.Logged;
        if (AcceptKeyword("UNLOGGED")) kind = BatchKind.Unlogged;
        else if (Current.Kind == CqlTokenKind.Identifier && Current.IsWord("COUNTER"))
            throw Error(Current, "UNLOGGED or BATCH", "counter batches are not supported (expected UNLOGGED or BATCH)");
        else AcceptWord("LOGGED");
        ExpectKeyword("BATCH");
        var usingClause = UsingClause.None;
        if (AcceptKeyword("USING"))
        {
            // A batch-level TTL does not exist in CQL: TTLs belong to the statements.
            usingClause = ParseUsingOptions(timeToLiveRefusal: "a batch takes no TTL, set it on each statement");
        }
        var statements = new List<ModificationStatement>();
        while (!Current.IsKeyword("APPLY"))
        {
            var start = Current;
            ModificationStatement statement = start.Kind == CqlTokenKind.Keyword ? start.Value switch
            {
                "INSERT" => ParseInsert(),
                "UPDATE" => ParseUpdate(),
                "DELETE" => ParseDelete(),
                _ => throw NoViable(start, "INSERT, UPDATE, DELETE or APPLY BATCH"),
            } : throw NoViable(start, "INSERT, UPDATE, DELETE or APPLY BATCH");
            if (usingClause.Timestamp is not null && statement.Using.Timestamp is not null)
                throw Error(start, "a statement without USING TIMESTAMP",
                    "a timestamp is set on both the batch and a statement (expected a statement without USING TIMESTAMP)");
            statements.Add(statement);
            AcceptSymbol(";");
        }
        ExpectKeyword("APPLY");
        ExpectKeyword("BATCH");
        return new BatchStatement(kind, usingClause, new ValueList<ModificationStatement>(statements));
    }
}

using RingStore.Cli.Shell;
using RingStore.Client.Protos;

namespace RingStore.Cli.Tests;

/// <summary>History of whole statements, Ctrl-R and grammar-following completion, through the pure editor classes.</summary>
public sealed class ShellEditingTests
{
    [Fact]
    public async Task A_multi_line_statement_is_one_history_entry_and_Up_brings_it_back_whole()
    {
        // The session says when the statement is complete; no statement runs (no ';' until the last line, which is a comment-free SELECT
        // the session would send: so the last line here only closes the statement for the history).
        var session = new ShellSession(null!, new ShellSettings(), TextWriter.Null, TextWriter.Null);
        var statements = new StatementHistory();
        var entries = new List<string>();
        foreach (string line in new[] { "BEGIN BATCH", "  INSERT INTO ks.t (k) VALUES (1);", "  INSERT INTO ks.t (k) VALUES (2);" })
        {
            await session.FeedLineAsync(line, CancellationToken.None);
            Assert.True(session.HasPending);
            if (statements.Add(line, session.HasPending) is { } e) entries.Add(e);
        }
        Assert.Empty(entries);
        if (statements.Add("APPLY BATCH;", statementPending: false) is { } done) entries.Add(done);
        string whole = "BEGIN BATCH INSERT INTO ks.t (k) VALUES (1); INSERT INTO ks.t (k) VALUES (2); APPLY BATCH;";
        Assert.Equal([whole], entries);

        var history = new CommandHistory(null);
        history.Add("SELECT 1");
        history.Add(whole);
        var buffer = new LineBuffer(history.Entries);
        buffer.HistoryPrevious();
        Assert.Equal(whole, buffer.Text);

        // Ctrl-C on a half-typed statement: its lines never reach history.
        Assert.Null(statements.Add("SELECT *", statementPending: true));
        statements.Clear();
        Assert.Equal("CONSISTENCY", statements.Add("CONSISTENCY", statementPending: false));
    }

    [Fact]
    public void Ctrl_R_finds_the_newest_match_narrows_and_goes_further_back()
    {
        var search = new HistorySearch(["SELECT * FROM demo.a;", "USE demo;", "SELECT k FROM demo.b;", "CONSISTENCY ALL"]);
        search.Type("sel");
        Assert.Equal("SELECT k FROM demo.b;", search.Match);
        Assert.Equal("(reverse-i-search)`sel': ", search.Prompt);
        search.Older();
        Assert.Equal("SELECT * FROM demo.a;", search.Match);
        search.Older();
        Assert.True(search.Failing);
        Assert.Equal("SELECT * FROM demo.a;", search.Match);
        search.Backspace();
        Assert.False(search.Failing);
        search.Type("lect * ");
        Assert.Equal(0, search.MatchIndex);
        search.Type("zzz");
        Assert.True(search.Failing);
        Assert.StartsWith("(failed reverse-i-search)", search.Prompt, StringComparison.Ordinal);
    }

    private static DescribeSchemaResponse Schema()
    {
        var schema = new DescribeSchemaResponse();
        schema.Keyspaces.Add(new KeyspaceInfo { Name = "demo" });
        schema.Keyspaces.Add(new KeyspaceInfo { Name = "system_x" });
        var readings = new TableInfo { Keyspace = "demo", Name = "readings" };
        readings.PartitionKey.Add(new ColumnDef { Name = "sensor" });
        readings.Clustering.Add(new ColumnDef { Name = "ts" });
        readings.Columns.Add(new ColumnDef { Name = "value" });
        schema.Tables.Add(readings);
        schema.Tables.Add(new TableInfo { Keyspace = "demo", Name = "rollups" });
        schema.Tables.Add(new TableInfo { Keyspace = "system_x", Name = "peers" });
        return schema;
    }

    private static (string Insert, IReadOnlyList<string> Candidates) Tab(string line, string? keyspace = null, string pending = "") =>
        CqlCompleter.Complete(line, line.Length, Schema(), keyspace, pending);

    [Fact]
    public void Completion_after_FROM_INTO_and_USE_offers_keyspaces_and_tables_not_keywords()
    {
        var from = Tab("SELECT * FROM ");
        Assert.Equal(["demo.", "system_x."], from.Candidates);
        Assert.Equal("demo.", Tab("SELECT * FROM d").Candidates.Single());
        Assert.Equal("emo.", Tab("SELECT * FROM d").Insert); // no blank: the table comes next
        Assert.Equal(["demo.", "readings", "rollups", "system_x."], Tab("INSERT INTO ", keyspace: "demo").Candidates);
        Assert.Equal(["demo", "system_x"], Tab("USE ").Candidates);
        Assert.Equal("emo ", Tab("use d").Insert);
    }

    [Fact]
    public void Keyspace_dot_tab_lists_that_keyspaces_tables()
    {
        Assert.Equal(["demo.readings", "demo.rollups"], Tab("SELECT * FROM demo.").Candidates);
        Assert.Equal("r", Tab("SELECT * FROM demo.").Insert); // their common prefix
        Assert.Equal("adings ", Tab("SELECT * FROM demo.re").Insert);
        Assert.Equal(["system_x.peers"], Tab("DESCRIBE TABLE system_x.").Candidates);
    }

    [Fact]
    public void Columns_of_the_named_table_and_keywords_where_they_fit()
    {
        // Between SELECT and FROM, with the table named later on the line.
        var columns = CqlCompleter.Complete("SELECT  FROM demo.readings", "SELECT ".Length, Schema(), null);
        Assert.Contains("sensor", columns.Candidates);
        Assert.Contains("value", columns.Candidates);
        Assert.Equal("nsor ", Tab("SELECT * FROM demo.readings WHERE se").Insert);
        Assert.Contains("ts", Tab("SELECT * FROM readings WHERE sensor = 1 AND ", keyspace: "demo").Candidates);
        Assert.Contains("value", Tab("INSERT INTO demo.readings (sensor, ").Candidates);
        // On a later line of a multi-line statement, the table from the earlier line counts.
        Assert.Equal("lue ", Tab("  WHERE va", pending: "SELECT * FROM demo.readings").Insert);
        // Statement start: statements and shell commands; elsewhere keywords.
        Assert.Contains("SELECT", Tab("SE").Candidates);
        Assert.DoesNotContain("sensor", Tab("SE").Candidates);
        Assert.Equal("ERE ", Tab("SELECT * FROM demo.readings WH").Insert);
        Assert.Equal("ere ", Tab("select * from demo.readings wh").Insert);
    }
}

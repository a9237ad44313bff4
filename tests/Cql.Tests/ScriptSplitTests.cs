namespace RingStore.Cql.Tests;

public class ScriptSplitTests
{
    [Fact]
    public void Splits_on_top_level_semicolons_only()
    {
        var split = CqlScript.SplitStatements("""
            INSERT INTO t (a, b) VALUES (1, 'x;y');  -- a comment; with a semicolon
            /* block; comment */ SELECT "odd;name" FROM t;
            SELECT $$dollar;string$$ FROM t; // trailing; comment
            """);
        Assert.Equal(
            [
                "INSERT INTO t (a, b) VALUES (1, 'x;y')",
                "SELECT \"odd;name\" FROM t", // comments before a statement are not part of it
                "SELECT $$dollar;string$$ FROM t",
            ],
            split.Statements);
        Assert.False(split.IsIncomplete);
        Assert.Equal("", split.Remainder);
    }

    [Fact]
    public void Text_after_the_last_semicolon_is_incomplete()
    {
        var split = CqlScript.SplitStatements("USE ks; SELECT *\n  FROM t");
        Assert.Equal(["USE ks"], split.Statements);
        Assert.True(split.IsIncomplete);
        Assert.Equal("SELECT *\n  FROM t", split.Remainder);
    }

    [Theory]
    [InlineData("SELECT * FROM t WHERE a = 'open;")]
    [InlineData("SELECT * FROM t /* open;")]
    [InlineData("SELECT \"open;")]
    [InlineData("USE ks; 'open")]
    [InlineData("USE ks; /* still open")]
    public void Unclosed_string_or_comment_is_incomplete(string input)
    {
        var split = CqlScript.SplitStatements(input);
        Assert.True(split.IsIncomplete);
        Assert.DoesNotContain(split.Statements, s => s.Contains("open", StringComparison.Ordinal));
    }

    [Fact]
    public void Batch_keeps_its_inner_semicolons()
    {
        var split = CqlScript.SplitStatements("BEGIN BATCH INSERT INTO t (a) VALUES (1); DELETE FROM t WHERE a = 2; APPLY BATCH; SELECT * FROM t;");
        Assert.Equal(["BEGIN BATCH INSERT INTO t (a) VALUES (1); DELETE FROM t WHERE a = 2; APPLY BATCH", "SELECT * FROM t"], split.Statements);
        Assert.False(split.IsIncomplete);

        var open = CqlScript.SplitStatements("BEGIN UNLOGGED BATCH INSERT INTO t (a) VALUES (1);\n");
        Assert.Empty(open.Statements);
        Assert.True(open.IsIncomplete);
    }

    [Fact]
    public void Empty_statements_and_comment_only_input_yield_nothing()
    {
        var split = CqlScript.SplitStatements(" ;; -- just a comment\n ; ");
        Assert.Empty(split.Statements);
        Assert.False(split.IsIncomplete);
        Assert.False(CqlScript.SplitStatements("").IsIncomplete);
    }

    [Fact]
    public void Split_statements_parse_like_the_whole_script()
    {
        const string Script = "USE ks; INSERT INTO t (a) VALUES ('a;b'); BEGIN BATCH DELETE FROM t WHERE a = 1; APPLY BATCH;";
        var pieces = CqlScript.SplitStatements(Script).Statements.Select(CqlParser.Parse);
        Assert.Equal(CqlParser.ParseScript(Script), pieces);
    }
}

using RingStore.Cql.Ast;

namespace RingStore.Cql.Tests;

/// <summary>Literal kinds, identifiers, comments and bind markers, seen through the parser and the lexer.</summary>
public class LexicalTests
{
    private static Term ValueOf(string literal) =>
        Assert.IsType<InsertStatement>(CqlParser.Parse($"INSERT INTO t (c) VALUES ({literal})")).Values.Single();

    [Theory]
    [InlineData("42", LiteralKind.Integer, "42")]
    [InlineData("-42", LiteralKind.Integer, "-42")]
    [InlineData("- 7", LiteralKind.Integer, "-7")]
    [InlineData("1.5", LiteralKind.Float, "1.5")]
    [InlineData("-0.25", LiteralKind.Float, "-0.25")]
    [InlineData("1e10", LiteralKind.Float, "1e10")]
    [InlineData("2.5E-3", LiteralKind.Float, "2.5E-3")]
    [InlineData("3.", LiteralKind.Float, "3.")]
    [InlineData("NaN", LiteralKind.Float, "NaN")]
    [InlineData("nan", LiteralKind.Float, "NaN")]
    [InlineData("Infinity", LiteralKind.Float, "Infinity")]
    [InlineData("-infinity", LiteralKind.Float, "-Infinity")]
    [InlineData("'hello'", LiteralKind.String, "hello")]
    [InlineData("'it''s'", LiteralKind.String, "it's")]
    [InlineData("''", LiteralKind.String, "")]
    [InlineData("'a;b -- c /* d */'", LiteralKind.String, "a;b -- c /* d */")]
    [InlineData("$$it's $ raw$$", LiteralKind.String, "it's $ raw")]
    [InlineData("true", LiteralKind.Boolean, "true")]
    [InlineData("FALSE", LiteralKind.Boolean, "false")]
    [InlineData("null", LiteralKind.Null, "null")]
    [InlineData("NULL", LiteralKind.Null, "null")]
    [InlineData("0xCAFE", LiteralKind.Hex, "0xCAFE")]
    [InlineData("0x", LiteralKind.Hex, "0x")]
    [InlineData("123e4567-e89b-12d3-a456-426614174000", LiteralKind.Uuid, "123e4567-e89b-12d3-a456-426614174000")]
    [InlineData("CAFEBABE-0000-1000-8000-00AABBCCDDEE", LiteralKind.Uuid, "CAFEBABE-0000-1000-8000-00AABBCCDDEE")]
    public void Every_literal_kind(string source, LiteralKind kind, string text) =>
        Assert.Equal(new Literal(kind, text), ValueOf(source));

    [Fact]
    public void Multi_line_string_keeps_newlines() =>
        Assert.Equal(Literal.String("a\nb"), ValueOf("'a\nb'"));

    [Fact]
    public void Unquoted_names_fold_to_lower_case_and_quoted_names_keep_case()
    {
        var s = Assert.IsType<SelectStatement>(CqlParser.Parse("SeLeCt MyCol, \"MyCol\", \"with \"\"quote\"\"\", \"select\" FrOm MyKs.\"MyTable\" wHeRe Id = 1"));
        Assert.Equal(["mycol", "MyCol", "with \"quote\"", "select"], s.Selectors.Select(i => ((ColumnSelector)i.Selector).Column));
        Assert.Equal(new QualifiedName("myks", "MyTable"), s.Table);
        Assert.Equal(new ColumnTarget("id"), s.Where.Single().Target);
    }

    [Fact]
    public void Unreserved_keywords_can_name_columns()
    {
        var s = Assert.IsType<CreateTableStatement>(CqlParser.Parse(
            "CREATE TABLE t (key int, ttl int, timestamp timestamp, value blob, text text, values int, count int, PRIMARY KEY (key, ttl))"));
        Assert.Equal(["key", "ttl", "timestamp", "value", "text", "values", "count"], s.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Comments_of_all_three_kinds_are_ignored()
    {
        var s = CqlParser.Parse("""
            -- a line comment; with a semicolon
            SELECT /* inline; */ * // another; comment
            FROM t /* multi
            line */ WHERE id = 1 -- trailing
            """);
        Assert.Equal(CqlParser.Parse("SELECT * FROM t WHERE id = 1"), s);
    }

    [Fact]
    public void Bind_markers_are_numbered_in_order_of_appearance()
    {
        var s = Assert.IsType<UpdateStatement>(CqlParser.Parse("UPDATE t USING TTL ? SET a = ?, b = 1, c = ? WHERE id = ? AND ck IN (?, ?)"));
        Assert.Equal(new BindMarker(0), s.Using.TimeToLive);
        Assert.Equal([new BindMarker(1), Literal.Integer(1), new BindMarker(2)], s.Assignments.Select(a => a.Value));
        Assert.Equal(new BindMarker(3), s.Where[0].Value);
        Assert.Equal([new BindMarker(4), new BindMarker(5)], s.Where[1].Values);
        Assert.Equal(6, s.BindMarkerCount);
    }

    [Fact]
    public void Each_script_statement_numbers_its_own_markers()
    {
        var statements = CqlParser.ParseScript("INSERT INTO t (a, b) VALUES (?, ?); SELECT * FROM t WHERE a = ? LIMIT ?;");
        Assert.Equal([2, 2], statements.Select(s => s.BindMarkerCount));
        var select = Assert.IsType<SelectStatement>(statements[1]);
        Assert.Equal(new BindMarker(0), select.Where.Single().Value);
        Assert.Equal(new BindMarker(1), select.Limit);
    }

    [Fact]
    public void Script_skips_empty_statements_and_allows_missing_last_semicolon()
    {
        var statements = CqlParser.ParseScript(";; USE ks; -- comment only\n;TRUNCATE t");
        Assert.Equal([new UseStatement("ks"), new TruncateStatement(new QualifiedName(null, "t"))], statements);
        Assert.Empty(CqlParser.ParseScript("  -- nothing\n"));
    }

    [Fact]
    public void Lexer_reports_kinds_values_and_positions()
    {
        var tokens = CqlLexer.Tokenize("SELECT \"Id\", ts\n  FROM t WHERE x >= ? -- c\n");
        Assert.Equal(
            [
                (CqlTokenKind.Keyword, "SELECT", "SELECT", 1, 0),
                (CqlTokenKind.QuotedIdentifier, "\"Id\"", "Id", 1, 7),
                (CqlTokenKind.Symbol, ",", ",", 1, 11),
                (CqlTokenKind.Identifier, "ts", "ts", 1, 13),
                (CqlTokenKind.Keyword, "FROM", "FROM", 2, 2),
                (CqlTokenKind.Identifier, "t", "t", 2, 7),
                (CqlTokenKind.Keyword, "WHERE", "WHERE", 2, 9),
                (CqlTokenKind.Identifier, "x", "x", 2, 15),
                (CqlTokenKind.Symbol, ">=", ">=", 2, 17),
                (CqlTokenKind.BindMarker, "?", "?", 2, 20),
                (CqlTokenKind.EndOfInput, "", "", 3, 0),
            ],
            tokens.Select(t => (t.Kind, t.Text, t.Value, t.Line, t.Column)));
    }

    [Fact]
    public void Lexer_never_throws_on_partial_input()
    {
        var tokens = CqlLexer.Tokenize("select 'abc");
        Assert.Equal([CqlTokenKind.Keyword, CqlTokenKind.Unterminated, CqlTokenKind.EndOfInput], tokens.Select(t => t.Kind));
        Assert.Equal(CqlTokenKind.Invalid, CqlLexer.Tokenize("#")[0].Kind);
        Assert.Equal(CqlTokenKind.Unterminated, CqlLexer.Tokenize("/* open")[0].Kind);
        Assert.Equal(CqlTokenKind.Unterminated, CqlLexer.Tokenize("$$ open")[0].Kind);
    }

    [Fact]
    public void Keyword_list_for_completion_contains_reserved_and_unreserved_words()
    {
        Assert.Contains("SELECT", CqlKeywords.All);
        Assert.Contains("TTL", CqlKeywords.All);
        Assert.True(CqlKeywords.IsReserved("from"));
        Assert.False(CqlKeywords.IsReserved("ttl"));
    }
}

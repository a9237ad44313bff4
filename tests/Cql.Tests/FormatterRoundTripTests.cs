using CsCheck;
using RingStore.Cql.Ast;

namespace RingStore.Cql.Tests;

public class FormatterRoundTripTests
{
    [Fact]
    public void Parse_of_format_gives_the_same_ast() =>
        AstGenerators.Statement.Select(BindMarkerNumbering.Renumber).Sample(ast =>
        {
            string text = CqlFormatter.Format(ast);
            Assert.Equal(ast, CqlParser.Parse(text));
            Assert.Equal(ast.BindMarkerCount, CqlParser.Parse(text).BindMarkerCount);
        }, iter: 3000);

    [Fact]
    public void Script_of_formatted_statements_parses_back()
    {
        var statements = AstGenerators.Statement.Select(BindMarkerNumbering.Renumber).Array[1, 5];
        statements.Sample(asts =>
        {
            string script = string.Join(";\n", asts.Select(CqlFormatter.Format)) + ";";
            Assert.Equal(asts, CqlParser.ParseScript(script));
            Assert.Equal(asts.Select(CqlFormatter.Format), CqlScript.SplitStatements(script).Statements);
        }, iter: 500);
    }

    [Theory]
    [InlineData("create table KS.t (ID bigint primary key, v text) with gc_grace_seconds = 10",
        "CREATE TABLE ks.t (id bigint, v text, PRIMARY KEY (id)) WITH gc_grace_seconds = 10")]
    [InlineData("CREATE TABLE t (id bigint, b text, ts timestamp, PRIMARY KEY ((id, b), ts)) WITH CLUSTERING ORDER BY (ts DESC) AND compaction = {'class': 'TimeWindowCompactionStrategy'}",
        "CREATE TABLE t (id bigint, b text, ts timestamp, PRIMARY KEY ((id, b), ts)) WITH CLUSTERING ORDER BY (ts DESC) AND compaction = {'class': 'TimeWindowCompactionStrategy'}")]
    [InlineData("insert into t (\"Select\", a) values ('it''s', -1.5) using timestamp ? and ttl ?",
        "INSERT INTO t (\"Select\", a) VALUES ('it''s', -1.5) USING TIMESTAMP ? AND TTL ?")]
    [InlineData("select count(*) as n from t where token(id) > token(?) limit 10 allow filtering",
        "SELECT COUNT(*) AS n FROM t WHERE token(id) > token(?) LIMIT 10 ALLOW FILTERING")]
    [InlineData("begin unlogged batch delete from t where id = 1; apply batch",
        "BEGIN UNLOGGED BATCH DELETE FROM t WHERE id = 1; APPLY BATCH")]
    [InlineData("truncate t", "TRUNCATE TABLE t")]
    public void Formats_readable_cql(string input, string expected) =>
        Assert.Equal(expected, CqlFormatter.Format(CqlParser.Parse(input)));
}

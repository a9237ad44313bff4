using RingStore.Cql;
using RingStore.Cql.Ast;

namespace RingStore.Cql.Tests;

/// <summary>CREATE INDEX / DROP INDEX (local secondary indexes): forms, optional parts, and errors.</summary>
public class ParserIndexTests
{
    [Fact]
    public void Create_index_with_and_without_name_keyspace_and_if_not_exists()
    {
        Assert.Equal(new CreateIndexStatement("by_email", new QualifiedName(null, "users"), "email", false),
            CqlParser.Parse("CREATE INDEX by_email ON users (email)"));
        Assert.Equal(new CreateIndexStatement(null, new QualifiedName("ks", "users"), "email", true),
            CqlParser.Parse("create index if not exists on ks.users(email);"));
        Assert.Equal(new CreateIndexStatement(null, new QualifiedName(null, "t"), "Col", false),
            CqlParser.Parse("CREATE INDEX ON t (\"Col\")"));
    }

    [Fact]
    public void Index_and_on_stay_usable_as_names()
    {
        Assert.Equal(new CreateIndexStatement("on", new QualifiedName(null, "t"), "index", false), CqlParser.Parse("CREATE INDEX on ON t (index)"));
        Assert.Equal(new CreateIndexStatement("index", new QualifiedName(null, "t"), "on", false), CqlParser.Parse("CREATE INDEX index ON t (on)"));
        Assert.IsType<CreateTableStatement>(CqlParser.Parse("CREATE TABLE t (index int PRIMARY KEY, on text)"));
        // Printed back, the names that could be read as the clause are quoted, and parse to the same statement.
        var odd = new CreateIndexStatement("on", new QualifiedName(null, "on"), "on", true);
        Assert.Equal(odd, CqlParser.Parse(CqlFormatter.Format(odd)));
    }

    [Fact]
    public void Drop_index()
    {
        Assert.Equal(new DropIndexStatement(new QualifiedName("ks", "by_email"), true), CqlParser.Parse("DROP INDEX IF EXISTS ks.by_email"));
        Assert.Equal(new DropIndexStatement(new QualifiedName(null, "by_email"), false), CqlParser.Parse("DROP INDEX by_email"));
        Assert.Equal(0, CqlParser.Parse("DROP INDEX i").BindMarkerCount);
    }

    [Theory]
    [InlineData("CREATE INDEX ON t")]
    [InlineData("CREATE INDEX i ON t (a, b)")]
    [InlineData("CREATE INDEX i t (a)")]
    [InlineData("CREATE INDEX i ON (a)")]
    [InlineData("DROP INDEX")]
    [InlineData("DROP INDEX ks.")]
    public void Malformed_index_statements_are_syntax_errors(string text)
    {
        Assert.Throws<CqlSyntaxException>(() => CqlParser.Parse(text));
    }
}

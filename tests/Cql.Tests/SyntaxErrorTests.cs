namespace RingStore.Cql.Tests;

/// <summary>
/// Malformed statements and the exact error each gets: line (from 1), column (from 0), what was
/// expected, and the message after the "line L:C" prefix. Every error names all three.
/// </summary>
public class SyntaxErrorTests
{
    [Theory]
    [InlineData("SELECT id, name, value FORM t", 1, 23, "FROM", "mismatched input 'FORM' expecting FROM")]
    [InlineData("INSERT INTO t (\n  ) VALUES (1)", 2, 2, "a column name", "no viable alternative at input ')' (expected a column name)")]
    [InlineData("SELECT * FROM", 1, 13, "a table name", "no viable alternative at input '<EOF>' (expected a table name)")]
    [InlineData("SELECT FROM t", 1, 7, "a column name, *, COUNT(*) or token(...)", "no viable alternative at input 'FROM' (expected a column name, *, COUNT(*) or token(...))")]
    [InlineData("SELECT a b FROM t", 1, 9, "FROM", "mismatched input 'b' expecting FROM")]
    [InlineData("SELECT * FROM t WHERE", 1, 21, "a column name or token(...)", "no viable alternative at input '<EOF>' (expected a column name or token(...))")]
    [InlineData("SELECT * FROM t WHERE a = 1 LIMT 5", 1, 28, "{AND, GROUP, ORDER, PER, LIMIT, ALLOW, ';', <EOF>}", "extraneous input 'LIMT' expecting {AND, GROUP, ORDER, PER, LIMIT, ALLOW, ';', <EOF>}")]
    [InlineData("SELECT * FROM t WHERE a != 1", 1, 24, "an operator (=, <, <=, >, >= or IN)", "the != operator is not supported (expected an operator (=, <, <=, >, >= or IN))")]
    [InlineData("SELECT * FROM t WHERE a CONTAINS 1", 1, 24, "an operator (=, <, <=, >, >= or IN)", "the CONTAINS operator is not supported (expected an operator (=, <, <=, >, >= or IN))")]
    [InlineData("SELECT * FROM t WHERE (a, b) > (1, 2)", 1, 22, "a column name or token(...)", "multi-column relations are not supported (expected a column name or token(...))")]
    [InlineData("SELECT * FROM t WHERE a = 1 LIMIT 0", 1, 34, "an integer > 0 or ? after LIMIT", "LIMIT must be strictly positive, got 0 (expected an integer > 0 or ? after LIMIT)")]
    [InlineData("SELECT * FROM t WHERE a = 1 LIMIT 'x'", 1, 34, "an integer > 0 or ? after LIMIT", "no viable alternative at input ''x'' (expected an integer > 0 or ? after LIMIT)")]
    [InlineData("SELECT * FROM t LIMIT 1.5", 1, 22, "an integer > 0 or ? after LIMIT", "no viable alternative at input '1.5' (expected an integer > 0 or ? after LIMIT)")]
    [InlineData("SELECT DISTINCT id FROM t", 1, 7, "a column name, *, COUNT(*) or token(...)", "SELECT DISTINCT is not supported (expected a column name, *, COUNT(*) or token(...))")]
    [InlineData("SELECT writetime(v) FROM t", 1, 7, "a column name, *, COUNT(*) or token(...)", "function 'writetime' is not supported (expected a column name, *, COUNT(*) or token(...))")]
    [InlineData("SELECT SUM(*) FROM t", 1, 11, "a column name", "no viable alternative at input '*' (expected a column name)")]
    [InlineData("SELECT * FROM t WHERE a IN ?", 1, 27, "'('", "IN ? (a bound list) is not supported (expected '(' and a ? per value)")]
    [InlineData("SELECT * FROM t WHERE token(a) IN (1)", 1, 31, "=, <, <=, > or >=", "token(...) IN is not supported (expected =, <, <=, > or >=)")]
    [InlineData("SELECT * FROM t ALLOW PARTIAL", 1, 29, "RESULTS", "mismatched input '<EOF>' expecting RESULTS")]
    [InlineData("SELECT * FROM t WHERE a = :name", 1, 26, "?", "named bind markers are not supported (expected ?)")]
    [InlineData("SELECT * FROM t WHERE a = [1]", 1, 26, "a constant or ?", "collection literals are not supported (expected a constant or ?)")]
    [InlineData("SELECT * FROM t;SELECT * FROM t", 1, 16, "{';', <EOF>}", "extraneous input 'SELECT' expecting {';', <EOF>}")]
    [InlineData("SELECT * FROM t WHERE a = 'abc", 1, 26, "'", "unterminated string literal (expected a closing ' before the end of input)")]
    [InlineData("SELECT # FROM t", 1, 7, "a valid token", "token recognition error at: '#'")]
    [InlineData("INSERT INTO t (a, b) VALUES (1)", 1, 30, "2 values", "only 1 value for 2 columns (expected 2 values, one per column)")]
    [InlineData("INSERT INTO t (a) VALUES (1, 2)", 1, 29, "')'", "more values than the 1 column named (expected ')')")]
    [InlineData("INSERT INTO t (a, a) VALUES (1, 2)", 1, 18, "a column not listed yet", "column 'a' is listed twice (expected each column once)")]
    [InlineData("INSERT INTO t (a) VALUES (1) IF NOT EXISTS", 1, 29, "USING, ';' or <EOF>", "INSERT ... IF NOT EXISTS: lightweight transactions (IF ...) are not supported (expected USING, ';' or <EOF>)")]
    [InlineData("INSERT INTO t (a) VALUES (1) USING TTL -1", 1, 39, "an integer or ? after TTL", "TTL must not be negative, got -1 (expected an integer or ? after TTL)")]
    [InlineData("INSERT INTO t (a) VALUES (1) USING TTL 999999999", 1, 39, "an integer or ? after TTL", "TTL 999999999 is too large, the maximum is 630720000 (expected an integer or ? after TTL)")]
    [InlineData("INSERT INTO t (a) VALUES (1) USING TTL 1 AND TTL 2", 1, 45, "TIMESTAMP", "TTL is given twice (expected TIMESTAMP)")]
    [InlineData("INSERT INTO t (a) VALUES (1) USING FOO 1", 1, 35, "TTL or TIMESTAMP", "no viable alternative at input 'FOO' (expected TTL or TIMESTAMP)")]
    [InlineData("INSERT INTO t JSON '{}'", 1, 14, "'('", "INSERT JSON is not supported (expected '(')")]
    [InlineData("INSERT t (a) VALUES (1)", 1, 7, "INTO", "mismatched input 't' expecting INTO")]
    [InlineData("UPDATE t SET a = 1", 1, 18, "WHERE", "mismatched input '<EOF>' expecting WHERE")]
    [InlineData("UPDATE t SET a = a + 1 WHERE id = 1", 1, 17, "a constant or ?", "counter and collection updates (c = c + x) are not supported (expected a constant or ?)")]
    [InlineData("UPDATE t SET a = 1, a = 2 WHERE id = 1", 1, 20, "a column not set yet", "column 'a' is set twice (expected each column once)")]
    [InlineData("UPDATE t SET a = 1 WHERE id = 1 IF a = 2", 1, 32, "';' or <EOF>", "lightweight transactions (IF ...) are not supported (expected ';' or <EOF>)")]
    [InlineData("DELETE FROM t USING TTL 5 WHERE id = 1", 1, 20, "TIMESTAMP", "DELETE takes no TTL (expected TIMESTAMP)")]
    [InlineData("DELETE FROM t WHERE id = 1 IF EXISTS", 1, 27, "';' or <EOF>", "lightweight transactions (IF ...) are not supported (expected ';' or <EOF>)")]
    [InlineData("DELETE a b FROM t WHERE id = 1", 1, 9, "FROM", "mismatched input 'b' expecting FROM")]
    [InlineData("BEGIN BATCH SELECT * FROM t APPLY BATCH", 1, 12, "INSERT, UPDATE, DELETE or APPLY BATCH", "no viable alternative at input 'SELECT' (expected INSERT, UPDATE, DELETE or APPLY BATCH)")]
    [InlineData("BEGIN BATCH INSERT INTO t (a) VALUES (1)", 1, 40, "INSERT, UPDATE, DELETE or APPLY BATCH", "no viable alternative at input '<EOF>' (expected INSERT, UPDATE, DELETE or APPLY BATCH)")]
    [InlineData("BEGIN BATCH USING TIMESTAMP 1 INSERT INTO t (a) VALUES (1) USING TIMESTAMP 2 APPLY BATCH", 1, 30, "a statement without USING TIMESTAMP", "a timestamp is set on both the batch and a statement (expected a statement without USING TIMESTAMP)")]
    [InlineData("BEGIN BATCH USING TTL 1 APPLY BATCH", 1, 18, "TIMESTAMP", "a batch takes no TTL, set it on each statement (expected TIMESTAMP)")]
    [InlineData("BEGIN COUNTER BATCH APPLY BATCH", 1, 6, "UNLOGGED or BATCH", "counter batches are not supported (expected UNLOGGED or BATCH)")]
    [InlineData("CREATE TABLE t (id bigint PRIMARY KEY, v text, PRIMARY KEY (id))", 1, 47, "a single PRIMARY KEY", "multiple PRIMARY KEY declarations (expected a single PRIMARY KEY)")]
    [InlineData("CREATE TABLE t (id bigint PRIMARY KEY, v text PRIMARY KEY)", 1, 46, "a single PRIMARY KEY", "multiple PRIMARY KEY declarations (expected a single PRIMARY KEY)")]
    [InlineData("CREATE TABLE t ()", 1, 16, "a column name or PRIMARY KEY", "no viable alternative at input ')' (expected a column name or PRIMARY KEY)")]
    [InlineData("CREATE TABLE t (id bigint, v text)", 1, 33, "PRIMARY KEY", "the table has no PRIMARY KEY (expected a PRIMARY KEY declaration)")]
    [InlineData("CREATE TABLE t (id bigint, PRIMARY KEY (idx))", 1, 40, "a declared column", "PRIMARY KEY column 'idx' is not declared (expected a declared column)")]
    [InlineData("CREATE TABLE t (id bigint, id text, PRIMARY KEY (id))", 1, 27, "a new column name", "column 'id' is declared twice (expected each column once)")]
    [InlineData("CREATE TABLE t (id float PRIMARY KEY)", 1, 19, "a type: bigint, int, text, varchar, blob, boolean, double, timestamp, uuid or timeuuid", "unknown type 'float' (expected a type: bigint, int, text, varchar, blob, boolean, double, timestamp, uuid or timeuuid)")]
    [InlineData("CREATE TABLE t (id list<int> PRIMARY KEY)", 1, 19, "a type: bigint, int, text, varchar, blob, boolean, double, timestamp, uuid or timeuuid", "collection type 'list' is not supported (expected a type: bigint, int, text, varchar, blob, boolean, double, timestamp, uuid or timeuuid)")]
    [InlineData("CREATE TABLE t (id bigint, ts int, PRIMARY KEY (id, ts)) WITH CLUSTERING ORDER BY (id DESC)", 1, 83, "'ts'", "CLUSTERING ORDER must list the clustering columns in key order, 'id' is out of place (expected 'ts')")]
    [InlineData("CREATE TABLE t (id bigint PRIMARY KEY) WITH gc_grace_seconds = 1 AND gc_grace_seconds = 2", 1, 69, "a property not set yet", "property 'gc_grace_seconds' is set twice (expected each property once)")]
    [InlineData("CREATE TABLE t (id bigint PRIMARY KEY) WITH COMPACT STORAGE", 1, 44, "a table property", "COMPACT STORAGE is not supported (expected a table property)")]
    [InlineData("CREATE TABLE t (id bigint, PRIMARY KEY (id, id))", 1, 44, "a column not yet in the key", "column 'id' appears twice in the PRIMARY KEY (expected each column once)")]
    [InlineData("CREATE TABLE t (id bigint PRIMARY KEY,)", 1, 38, "a column name or PRIMARY KEY", "no viable alternative at input ')' (expected a column name or PRIMARY KEY)")]
    [InlineData("CREATE KEYSPACE ks", 1, 18, "WITH", "mismatched input '<EOF>' expecting WITH")]
    [InlineData("CREATE KEYSPACE ks WITH durable_writes = true", 1, 45, "replication = {...}", "CREATE KEYSPACE needs a replication map (expected replication = {'class': ..., ...})")]
    [InlineData("CREATE KEYSPACE ks WITH replication = 3", 1, 38, "'{'", "replication must be a map (expected '{')")]
    [InlineData("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'class': 'x'}", 1, 66, "an option not set yet", "option 'class' is set twice (expected each option once)")]
    [InlineData("CREATE KEYSPACE ks WITH replication = {class: 'SimpleStrategy'}", 1, 39, "a quoted option name", "no viable alternative at input 'class' (expected a quoted option name)")]
    [InlineData("CREATE TYPE t (a int)", 1, 7, "KEYSPACE or TABLE", "no viable alternative at input 'TYPE' (expected KEYSPACE or TABLE)")]
    [InlineData("DROP t", 1, 5, "KEYSPACE or TABLE", "no viable alternative at input 't' (expected KEYSPACE or TABLE)")]
    [InlineData("DROP TABLE IF t", 1, 14, "EXISTS", "mismatched input 't' expecting EXISTS")]
    [InlineData("DESCRIBE TABLES", 1, 0, "a statement (SELECT, INSERT, UPDATE, DELETE, BEGIN BATCH, CREATE, DROP, USE or TRUNCATE)", "DESCRIBE is a shell command, not a statement (expected a statement (SELECT, INSERT, UPDATE, DELETE, BEGIN BATCH, CREATE, DROP, USE or TRUNCATE))")]
    [InlineData("CONSISTENCY QUORUM", 1, 0, "a statement (SELECT, INSERT, UPDATE, DELETE, BEGIN BATCH, CREATE, DROP, USE or TRUNCATE)", "CONSISTENCY is a shell command, not a statement (expected a statement (SELECT, INSERT, UPDATE, DELETE, BEGIN BATCH, CREATE, DROP, USE or TRUNCATE))")]
    [InlineData("ALTER TABLE t ADD x int", 1, 0, "a statement (SELECT, INSERT, UPDATE, DELETE, BEGIN BATCH, CREATE, DROP, USE or TRUNCATE)", "ALTER statements are not supported (expected a statement (SELECT, INSERT, UPDATE, DELETE, BEGIN BATCH, CREATE, DROP, USE or TRUNCATE))")]
    [InlineData("FOO", 1, 0, "a statement (SELECT, INSERT, UPDATE, DELETE, BEGIN BATCH, CREATE, DROP, USE or TRUNCATE)", "no viable alternative at input 'FOO' (expected a statement (SELECT, INSERT, UPDATE, DELETE, BEGIN BATCH, CREATE, DROP, USE or TRUNCATE))")]
    [InlineData("SELECT * FROM t WHERE id = 1 ALLOW", 1, 34, "FILTERING", "mismatched input '<EOF>' expecting FILTERING")]
    [InlineData("SELECT * FROM t WHERE id = 1 /* open", 1, 29, "*/", "unterminated block comment (expected a closing */ before the end of input)")]
    public void Malformed_statement_reports_position_and_expectation(string cql, int line, int column, string expected, string message)
    {
        var error = Assert.Throws<CqlSyntaxException>(() => CqlParser.Parse(cql));
        Assert.Equal((line, column, expected), (error.Line, error.Column, error.Expected));
        Assert.Equal($"line {line}:{column} {message}", error.Message);
    }

    [Fact]
    public void Syntax_errors_are_invalid_requests()
    {
        var error = Assert.ThrowsAny<RingStore.Core.Errors.InvalidRequestException>(() => CqlParser.Parse("SELEC * FROM t"));
        var syntax = Assert.IsType<CqlSyntaxException>(error);
        Assert.Equal("SELEC", syntax.Found);
    }

    [Fact]
    public void Found_is_eof_at_the_end_of_input()
    {
        var error = Assert.Throws<CqlSyntaxException>(() => CqlParser.Parse("SELECT * FROM t WHERE id ="));
        Assert.Equal(("<EOF>", "a constant or ?"), (error.Found, error.Expected));
        Assert.Equal("line 1:26 no viable alternative at input '<EOF>' (expected a constant or ?)", error.Message);
    }

    [Fact]
    public void Script_errors_point_into_the_failing_statement()
    {
        var error = Assert.Throws<CqlSyntaxException>(() => CqlParser.ParseScript("USE ks;\nSELECT * FROM t;\nSELECT * FORM t;"));
        Assert.Equal("line 3:9 mismatched input 'FORM' expecting FROM", error.Message);
    }
}

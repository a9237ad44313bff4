using CsCheck;

namespace RingStore.Cql.Tests;

public class StatementAccumulatorTests
{
    private static (List<string> Statements, string Remainder) FeedLines(IEnumerable<string> lines, Action<int>? scanned = null)
    {
        var accumulator = new CqlStatementAccumulator(scanned);
        var statements = new List<string>();
        foreach (string line in lines) statements.AddRange(accumulator.AddLine(line));
        return (statements, accumulator.Pending);
    }

    [Fact]
    public void Line_by_line_gives_the_statements_and_remainder_of_splitting_the_whole_text()
    {
        string[] pieces =
        [
            "SELECT", " * FROM t", ";", " ", "'a;", "b'", "\"q;", "\"", "/*", "c;", "*/", "-- x;", "// y;", "$$", "d;", "BEGIN", " BATCH",
            "APPLY", " BATCH", "INSERT INTO t (a) VALUES (1)", "''", "123e4567-e89b-12d3-a456-426614174000", "CONSISTENCY ONE", "",
        ];
        var line = Gen.Int[0, pieces.Length - 1].Array[0, 6].Select(ix => string.Concat(ix.Select(i => pieces[i])));
        line.Array[0, 12].Sample(lines =>
        {
            var expected = CqlScript.SplitStatements(string.Join('\n', lines));
            var (statements, remainder) = FeedLines(lines);
            Assert.Equal(expected.Statements, statements);
            Assert.Equal(expected.Remainder, remainder);
        }, iter: 5000);
    }

    [Fact]
    public void Apply_and_batch_on_different_lines_end_the_batch()
    {
        var (statements, remainder) = FeedLines(["BEGIN BATCH", "INSERT INTO t (a) VALUES (1);", "APPLY", "BATCH;", "SELECT * FROM t;"]);
        Assert.Equal(["BEGIN BATCH\nINSERT INTO t (a) VALUES (1);\nAPPLY\nBATCH", "SELECT * FROM t"], statements);
        Assert.Equal("", remainder);
    }

    [Fact]
    public void Knows_whether_the_waiting_text_began_in_the_last_line()
    {
        var accumulator = new CqlStatementAccumulator();
        Assert.Equal(["SELECT 1"], accumulator.AddLine("SELECT 1; CONSISTENCY"));
        Assert.True(accumulator.PendingStartedInLastLine);
        Assert.Equal("CONSISTENCY", accumulator.Pending);
        accumulator.Clear();
        Assert.False(accumulator.HasPending);
        Assert.Empty(accumulator.AddLine("SELECT *"));
        Assert.True(accumulator.PendingStartedInLastLine);
        Assert.Empty(accumulator.AddLine("FROM t"));
        Assert.False(accumulator.PendingStartedInLastLine);
        Assert.Equal("SELECT *\nFROM t", accumulator.Pending);
    }

    // The shell used to split the whole pending text again on every line: a 2,000-line BATCH scanned ~2,000 times its
    // size (30-45 s). Counting characters scanned catches that without timing anything.
    [Theory]
    [InlineData(200)]
    [InlineData(2000)]
    public void A_long_multi_line_batch_is_scanned_a_bounded_number_of_times(int rows)
    {
        var lines = new List<string> { "BEGIN BATCH" };
        lines.AddRange(Enumerable.Range(0, rows).Select(i => $"  INSERT INTO ks.t (k, v) VALUES ({i}, 'value; {i}');"));
        lines.Add("APPLY BATCH;");
        long scanned = 0;
        var (statements, remainder) = FeedLines(lines, n => scanned += n);
        long size = lines.Sum(l => l.Length + 1);
        Assert.Single(statements);
        Assert.Equal("", remainder);
        Assert.InRange(scanned, size - rows - 2, 2 * size);
    }

    [Fact]
    public void A_long_multi_line_string_is_scanned_only_when_a_line_may_close_it()
    {
        var lines = new List<string> { "INSERT INTO ks.t (k, v) VALUES (1, '" };
        lines.AddRange(Enumerable.Range(0, 2000).Select(i => $"line {i} of a long text; no quote here"));
        lines.Add("');");
        long scanned = 0;
        var (statements, _) = FeedLines(lines, n => scanned += n);
        Assert.Single(statements);
        Assert.InRange(scanned, 0, 3 * lines.Sum(l => l.Length + 1));
    }
}

using CsCheck;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Shell;

namespace RingStore.Cli.Tests;

public sealed class ShellInputTests
{
    [Theory]
    [InlineData("CONSISTENCY QUORUM;", ShellDirectiveKind.Consistency, "QUORUM")]
    [InlineData("  consistency  ", ShellDirectiveKind.Consistency, "")]
    [InlineData("PAGING 50", ShellDirectiveKind.Paging, "50")]
    [InlineData("desc table demo.readings", ShellDirectiveKind.Describe, "table demo.readings")]
    [InlineData("SOURCE 'my file.cql'", ShellDirectiveKind.Source, "my file.cql")]
    [InlineData("exit", ShellDirectiveKind.Exit, "")]
    public void Shell_commands_parse(string text, ShellDirectiveKind kind, string argument) =>
        Assert.Equal(new ShellDirective(kind, argument), ShellDirective.TryParse(text));

    [Theory]
    [InlineData("SELECT * FROM t")]
    [InlineData("USE demo")]
    [InlineData("descending")]
    [InlineData("")]
    public void Statements_are_not_shell_commands(string text)
    {
        Assert.Null(ShellDirective.TryParse(text));
        Assert.False(ShellDirective.StartsDirective(text));
    }

    [Fact]
    public void Consistency_names_round_trip()
    {
        foreach (string name in ConsistencyNames.All)
        {
            Assert.True(ConsistencyNames.TryParse(name.ToLowerInvariant(), out var level));
            Assert.Equal(name, ConsistencyNames.Name(level));
        }
        Assert.False(ConsistencyNames.TryParse("MOST", out _));
    }

    [Fact]
    public void Arguments_split_into_options_flags_and_positionals()
    {
        var args = CliArguments.Parse(["--dir=/x", "-e", "SELECT 1", "--detach", "a", "-", "-5", "--", "--not-an-option"], ["--dir", "-e"], ["--detach"]);
        Assert.Equal("/x", args.Get("--dir"));
        Assert.Equal("SELECT 1", args.Get("-e", "--execute"));
        Assert.True(args.Has("--detach"));
        Assert.Equal(["a", "-", "-5", "--not-an-option"], args.Positionals);
        Assert.Throws<UsageException>(() => CliArguments.Parse(["--nope"], [], []));
        Assert.Throws<UsageException>(() => CliArguments.Parse(["--dir"], ["--dir"], []));
    }

    [Fact]
    public void Completion_extends_keywords_and_lists_ambiguous_ones()
    {
        Assert.Equal("ECT ", KeywordCompleter.Complete("SEL", []).Insert);
        Assert.Equal("ect ", KeywordCompleter.Complete("sel", []).Insert);
        Assert.Equal("dings ", KeywordCompleter.Complete("rea", ["readings"]).Insert);
        var (insert, candidates) = KeywordCompleter.Complete("DE", []);
        Assert.Equal("", insert);
        Assert.Contains("DELETE", candidates);
        Assert.Contains("DESC", candidates);
    }

    // -f, piped input and pasting feed the session line by line; it used to split the whole pending text again on
    // every line, so a 2,000-line BATCH cost ~2,000x its size (30-45 s). Counted in characters scanned, not timed.
    [Fact]
    public async Task A_long_multi_line_statement_is_scanned_in_linear_work()
    {
        long scanned = 0;
        // No statement completes (the batch has no APPLY BATCH), so the session never calls its client.
        var session = new ShellSession(null!, new ShellSettings(), TextWriter.Null, TextWriter.Null, scanned: n => scanned += n);
        var lines = new List<string> { "BEGIN BATCH" };
        lines.AddRange(Enumerable.Range(0, 2000).Select(i => $"  INSERT INTO demo.readings (sensor, day, ts, value) VALUES ({i}, 'd;{i}', 0, 1.5);"));
        foreach (string line in lines) await session.FeedLineAsync(line, CancellationToken.None);
        Assert.True(session.HasPending);
        Assert.StartsWith("BEGIN BATCH\n  INSERT", session.Pending, StringComparison.Ordinal);
        Assert.InRange(scanned, 1, 2 * lines.Sum(l => l.Length + 1));
        Assert.Equal(0, session.Failures);
    }

    private enum Op { Insert, Backspace, Delete, Left, Right, Home, End, DeleteToStart, DeleteToEnd }

    /// <summary>Editing against a model: the text is the model string and the cursor stays inside it.</summary>
    [Fact]
    public void Line_buffer_edits_match_a_string_model() =>
        Gen.Select(Gen.Enum<Op>(), Gen.Char.AlphaNumeric).Array[0, 40].Sample(ops =>
        {
            var buffer = new LineBuffer([]);
            string text = "";
            int cursor = 0;
            foreach (var (op, c) in ops)
            {
                switch (op)
                {
                    case Op.Insert: buffer.Insert(c.ToString()); text = text.Insert(cursor, c.ToString()); cursor++; break;
                    case Op.Backspace: buffer.Backspace(); if (cursor > 0) { text = text.Remove(cursor - 1, 1); cursor--; } break;
                    case Op.Delete: buffer.Delete(); if (cursor < text.Length) text = text.Remove(cursor, 1); break;
                    case Op.Left: buffer.Left(); cursor = Math.Max(0, cursor - 1); break;
                    case Op.Right: buffer.Right(); cursor = Math.Min(text.Length, cursor + 1); break;
                    case Op.Home: buffer.Home(); cursor = 0; break;
                    case Op.End: buffer.End(); cursor = text.Length; break;
                    case Op.DeleteToStart: buffer.DeleteToStart(); text = text[cursor..]; cursor = 0; break;
                    case Op.DeleteToEnd: buffer.DeleteToEnd(); text = text[..cursor]; break;
                }
            }
            return buffer.Text == text && buffer.Cursor == cursor;
        });

    [Fact]
    public void History_walks_back_and_returns_to_the_draft()
    {
        var buffer = new LineBuffer(["first", "second"]);
        buffer.Insert("dra");
        buffer.HistoryPrevious();
        Assert.Equal("second", buffer.Text);
        buffer.HistoryPrevious();
        buffer.HistoryPrevious();
        Assert.Equal("first", buffer.Text);
        buffer.HistoryNext();
        buffer.HistoryNext();
        Assert.Equal("dra", buffer.Text);
        Assert.Equal(3, buffer.Cursor);
    }
}

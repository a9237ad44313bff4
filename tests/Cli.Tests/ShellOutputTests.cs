using RingStore.Cli.Shell;
using RingStore.Client;
using RingStore.Client.Protos;

namespace RingStore.Cli.Tests;

/// <summary>What the shell prints: error labels, escaping, shortening, DESCRIBE options, SHOW and the paging prompt.</summary>
public sealed class ShellOutputTests
{
    [Fact]
    public void Control_characters_are_escaped_in_values()
    {
        Assert.Equal("a\\x00b\\x1bc\\nd\\te\\x7f", CqlValueFormatter.Format("a\0b\u001bc\nd\te\u007f"));
        Assert.Equal("plain", CqlValueFormatter.Format("plain"));
    }

    [Fact]
    public void Errors_shorten_long_echoed_words_and_escape_control_characters()
    {
        string longName = new('x', 300);
        string text = ShellErrorFormatter.Format(new RingStore.Core.Errors.InvalidRequestException($"unconfigured table '{longName}' near \u0001"));
        Assert.Equal($"InvalidRequest: unconfigured table '{new string('x', ShellText.MaxEchoedLength - 4)}...' near \\x01", text);
        var fromServer = new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.InvalidArgument, "line 1:0 no viable alternative at input 'SELEC'"),
            new Grpc.Core.Metadata { { "ringstore-error-kind", "InvalidRequest" } });
        Assert.StartsWith("SyntaxException: Error from server: line 1:0 ", ShellErrorFormatter.Format(RingStoreException.From(fromServer)), StringComparison.Ordinal);
        var semantic = new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.InvalidArgument, "unconfigured table t"),
            new Grpc.Core.Metadata { { "ringstore-error-kind", "InvalidRequest" } });
        Assert.StartsWith("InvalidRequest: Error from server: ", ShellErrorFormatter.Format(RingStoreException.From(semantic)), StringComparison.Ordinal);
        Assert.Contains("SyntaxException: line 1:0", ShellErrorFormatter.Format(new RingStore.Cql.CqlSyntaxException(1, 0, "a statement", "SELEC", "line 1:0 no viable alternative at input 'SELEC'")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_ReadFailure_reads_as_cqlsh_prints_it_with_its_counts()
    {
        var fromServer = new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Aborted,
                "Read failed at consistency QUORUM: 1 of 2 required replica(s) answered, 1 failed (127.0.0.1:7001: tombstone overwhelm)."),
            new Grpc.Core.Metadata { { "ringstore-error-kind", "ReadFailure" }, { "ringstore-received", "1" }, { "ringstore-required", "2" }, { "ringstore-failures", "1" } });
        var error = RingStoreException.From(fromServer);
        Assert.Equal(RingStore.Core.Errors.RequestErrorKind.ReadFailure, error.Kind);
        Assert.Equal((1, 2, 1), (error.Received, error.Required, error.Failures));
        Assert.Equal("ReadFailure: Error from server: Read failed at consistency QUORUM: 1 of 2 required replica(s) answered, 1 failed (127.0.0.1:7001: tombstone overwhelm).",
            ShellErrorFormatter.Format(error));
    }

    [Fact]
    public void Describe_table_prints_only_the_options_of_the_tables_compaction_strategy()
    {
        var table = new TableInfo { Keyspace = "ks", Name = "t", Options = new TableOptions { Compaction = "SizeTieredCompactionStrategy", CompactionWindowSeconds = 86400 } };
        table.PartitionKey.Add(new ColumnDef { Name = "k", Type = ColumnType.Int });
        string stcs = SchemaDescriber.CreateTable(table);
        Assert.Contains("compaction = {'class': 'SizeTieredCompactionStrategy'}", stcs, StringComparison.Ordinal);
        Assert.DoesNotContain("compaction_window", stcs, StringComparison.Ordinal);
        table.Options.Compaction = "TimeWindowCompactionStrategy";
        Assert.Contains("'compaction_window_size': '86400'", SchemaDescriber.CreateTable(table), StringComparison.Ordinal);
    }

    [Fact]
    public void Select_star_columns_are_keys_then_the_rest_alphabetically()
    {
        var schema = new DescribeSchemaResponse();
        var table = new TableInfo { Keyspace = "ks", Name = "t" };
        table.PartitionKey.Add(new ColumnDef { Name = "k" });
        table.Clustering.Add(new ColumnDef { Name = "c" });
        foreach (string name in new[] { "zeta", "beta", "alpha" }) table.Columns.Add(new ColumnDef { Name = name });
        schema.Tables.Add(table);
        string[] returned = ["k", "c", "zeta", "beta", "alpha"];
        var order = WildcardColumnOrder.For("select * from ks.t where k = 1", returned, schema, null);
        Assert.Equal(["k", "c", "alpha", "beta", "zeta"], order!.Select(i => returned[i]));
        Assert.NotNull(WildcardColumnOrder.For("SELECT * FROM t", returned, schema, "ks"));
        Assert.Null(WildcardColumnOrder.For("SELECT zeta, beta FROM ks.t", ["zeta", "beta"], schema, null));
        Assert.Null(WildcardColumnOrder.For("SELECT * FROM ks.other", returned, schema, null));
    }

    [Fact]
    public void Show_version_and_host_answer_and_tracing_and_copy_say_why_not()
    {
        Assert.StartsWith("[ringstore shell ", ShellDirectiveRunner.Show("version", "c1", ["h:1"]), StringComparison.Ordinal);
        Assert.Equal("Connected to c1 at h:1, h:2.", ShellDirectiveRunner.Show("HOST", "c1", ["h:1", "h:2"]));
        Assert.Equal(new ShellDirective(ShellDirectiveKind.Tracing, "ON"), ShellDirective.TryParse("TRACING ON"));
        Assert.Equal(ShellDirectiveKind.Copy, ShellDirective.TryParse("COPY ks.t TO 'f.csv';")!.Kind);
        Assert.Equal(ShellDirectiveKind.Show, ShellDirective.TryParse("show version;")!.Kind);
    }

    [Fact]
    public void Ctrl_c_q_and_esc_stop_the_listing_and_the_prompt_says_so()
    {
        Assert.False(TerminalLineEditor.ContinuesListing(new ConsoleKeyInfo('\u0003', ConsoleKey.C, false, false, true)));
        Assert.False(TerminalLineEditor.ContinuesListing(new ConsoleKeyInfo('q', ConsoleKey.Q, false, false, false)));
        Assert.False(TerminalLineEditor.ContinuesListing(new ConsoleKeyInfo('\u001b', ConsoleKey.Escape, false, false, false)));
        Assert.True(TerminalLineEditor.ContinuesListing(new ConsoleKeyInfo(' ', ConsoleKey.Spacebar, false, false, false)));
        Assert.Contains("q, Esc or Ctrl-C", TerminalLineEditor.MorePrompt, StringComparison.Ordinal);
    }
}

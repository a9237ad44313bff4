using CsCheck;
using RingStore.Cli.Shell;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;
using Cell = RingStore.Cli.Shell.ResultTableFormatter.Cell;

namespace RingStore.Cli.Tests;

public sealed class FormattingTests
{
    [Fact]
    public void Values_are_formatted_like_cqlsh()
    {
        Assert.Equal("null", CqlValueFormatter.Format(null));
        Assert.Equal("0xcafe", CqlValueFormatter.Format(new byte[] { 0xca, 0xfe }));
        Assert.Equal("2026-11-23 10:00:00.123000+0000", CqlValueFormatter.Format(new DateTimeOffset(2026, 11, 23, 11, 0, 0, 123, TimeSpan.FromHours(1))));
        Assert.Equal("123e4567-e89b-12d3-a456-426614174000", CqlValueFormatter.Format(Guid.Parse("123E4567-E89B-12D3-A456-426614174000")));
        Assert.Equal("True", CqlValueFormatter.Format(true));
        Assert.Equal("20.5", CqlValueFormatter.Format(20.5));
        Assert.Equal("1e+20", CqlValueFormatter.Format(1e20));
        Assert.Equal("NaN", CqlValueFormatter.Format(double.NaN));
        Assert.Equal("-42", CqlValueFormatter.Format(-42L));
        Assert.Equal("plain text", CqlValueFormatter.Format("plain text"));
    }

    [Fact]
    public void Tabular_output_aligns_columns_with_numbers_on_the_right()
    {
        string text = ResultTableFormatter.Tabular(["sensor", "day", "value"],
        [
            [new Cell("1", true), new Cell("2026-11-23", false), new Cell("20.5", true)],
            [new Cell("12", true), new Cell("x", false), new Cell("null", false)],
        ]);
        Assert.Equal(
            " sensor | day        | value\n" +
            "--------+------------+-------\n" +
            "      1 | 2026-11-23 |  20.5\n" +
            "     12 | x          | null\n", text);
        Assert.Equal("(2 rows)", ResultTableFormatter.Footer(2));
    }

    [Fact]
    public void Expanded_output_prints_one_block_per_row()
    {
        string text = ResultTableFormatter.Expanded(["k", "value"], [[new Cell("a", false), new Cell("1", true)], [new Cell("b", false), new Cell("2", true)]]);
        Assert.Equal("@ Row 1\n-------+---\n k     | a\n value | 1\n\n@ Row 2\n-------+---\n k     | b\n value | 2\n", text);
    }

    [Fact]
    public void Every_tabular_line_has_the_same_column_separators_for_any_cells() =>
        Gen.String[Gen.Char.AlphaNumeric, 0, 12].Array[3].Array[1, 6].Sample(rows =>
        {
            string text = ResultTableFormatter.Tabular(["a", "bb", "ccc"], rows.Select(r => (IReadOnlyList<Cell>)r.Select(c => new Cell(c, false)).ToList()).ToList());
            var lines = text.TrimEnd('\n').Split('\n');
            int first = lines[0].IndexOf('|', StringComparison.Ordinal);
            return lines.Length == rows.Length + 2 && lines.Where((_, i) => i != 1).All(l => l.IndexOf('|', StringComparison.Ordinal) == first)
                && lines[1][first] == '+';
        });

    [Fact]
    public void Status_lines_read_like_nodetool()
    {
        var status = new StatusResponse();
        var node = new NodeDescription { HostId = "0b4a6c1e-0000-4000-8000-000000000001", Endpoint = "127.0.0.1:7000", Liveness = "UP", Status = "NORMAL", Datacenter = "dc1", Rack = "rack1" };
        status.Nodes.Add(new NodeStatus { Node = node, LoadBytes = 1_258_291, Ownership = 1 / 3.0, TokenCount = 256 });
        var down = node.Clone();
        down.Endpoint = "127.0.0.1:7001";
        down.Liveness = "DOWN";
        status.Nodes.Add(new NodeStatus { Node = down, LoadBytes = 10, Ownership = 2 / 3.0, TokenCount = 256 });
        string text = StatusFormatter.Format(status, effectiveOwnership: false);
        Assert.StartsWith("Datacenter: dc1\n===============\nStatus=Up/Down\n|/ State=Normal/Leaving/Joining/Moving\n", text, StringComparison.Ordinal);
        Assert.Contains("UN  127.0.0.1:7000  1.2 MiB  256     33.3%  0b4a6c1e-0000-4000-8000-000000000001  rack1\n", text, StringComparison.Ordinal);
        Assert.Contains("DN  127.0.0.1:7001  10 B     256     66.7%", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_table_prints_a_create_statement_that_names_the_key()
    {
        var table = new TableInfo { Keyspace = "demo", Name = "readings" };
        table.PartitionKey.Add(new ColumnDef { Name = "sensor", Type = ColumnType.Bigint });
        table.PartitionKey.Add(new ColumnDef { Name = "day", Type = ColumnType.Text });
        table.Clustering.Add(new ColumnDef { Name = "ts", Type = ColumnType.Timestamp, Descending = true });
        table.Columns.Add(new ColumnDef { Name = "Value", Type = ColumnType.Double });
        string text = SchemaDescriber.CreateTable(table);
        Assert.StartsWith("CREATE TABLE demo.readings (\n    sensor bigint,\n    day text,\n    ts timestamp,\n    \"Value\" double,\n    PRIMARY KEY ((sensor, day), ts)\n) WITH CLUSTERING ORDER BY (ts DESC)\n", text, StringComparison.Ordinal);
    }
}

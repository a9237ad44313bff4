using System.Globalization;
using CsCheck;
using RingStore.Cli.Tools;
using RingStore.Core.Partitioning;
using RingStore.Core.Schema;
using RingStore.Core.Values;

namespace RingStore.Cli.Tests;

/// <summary>`ringstore token` offline, as a child process and through its pure parser, against Core's partitioner.</summary>
public sealed class TokenCommandTests
{
    private static string CoreToken(IReadOnlyList<ColumnDefinition> columns, params object[] values) =>
        Murmur3Partitioner.GetToken(PartitionKeyCodec.Serialize(columns, values)).ToString();

    [Fact]
    public async Task Typed_and_hex_forms_give_cores_token()
    {
        string expected = CoreToken([new ColumnDefinition("k", ColumnType.BigInt)], 42L);
        var typed = await CliProcess.RunAsync(["token", "bigint:42"]);
        var hex = await CliProcess.RunAsync(["token", "--hex", "000000000000002a"]);
        var prefixed = await CliProcess.RunAsync(["token", "--hex", "0x000000000000002A"]);
        Assert.Equal((0, expected + "\n"), (typed.ExitCode, typed.Stdout));
        Assert.Equal((0, expected + "\n"), (hex.ExitCode, hex.Stdout));
        Assert.Equal((0, expected + "\n"), (prefixed.ExitCode, prefixed.Stdout));
    }

    [Fact]
    public async Task Composite_keys_use_cassandras_composite_encoding()
    {
        string expected = CoreToken([new ColumnDefinition("s", ColumnType.BigInt), new ColumnDefinition("d", ColumnType.Text)], 42L, "2026-11");
        var result = await CliProcess.RunAsync(["token", "bigint:42", "text:2026-11"]);
        Assert.Equal((0, expected + "\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task Stdin_mode_prints_one_token_per_hex_line_and_fails_on_bad_lines()
    {
        byte[][] keys = [[0, 0, 0, 0, 0, 0, 0, 42], "hello"u8.ToArray(), [1]];
        string input = string.Join('\n', keys.Select(Convert.ToHexString)) + "\n\nzz\n";
        var result = await CliProcess.RunAsync(["token", "-"], stdin: input);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(keys.Select(k => Murmur3Partitioner.GetToken(k).ToString() + "\n"), result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l + "\n"));
        Assert.Contains("line 5", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_exits_one_and_no_input_is_a_usage_error()
    {
        var bad = await CliProcess.RunAsync(["token", "bigint:notanumber"]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("bigint", bad.Stderr, StringComparison.Ordinal);
        var none = await CliProcess.RunAsync(["token"]);
        Assert.Equal(2, none.ExitCode);
    }

    [Fact]
    public void Typed_components_match_core_for_every_type()
    {
        var guid = Guid.Parse("123e4567-e89b-12d3-a456-426614174000");
        var ts = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        (string Input, ColumnType Type, object Value)[] cases =
        [
            ("int:-7", ColumnType.Int, -7),
            ("text:a:b c", ColumnType.Text, "a:b c"),
            ("varchar:x", ColumnType.Text, "x"),
            ("blob:0xcafe", ColumnType.Blob, new byte[] { 0xca, 0xfe }),
            ("boolean:true", ColumnType.Boolean, true),
            ("double:1.5", ColumnType.Double, 1.5),
            ("timestamp:2026-11-23 10:00:00+0000", ColumnType.Timestamp, ts),
            ("timestamp:" + ts.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), ColumnType.Timestamp, ts),
            ("uuid:" + guid, ColumnType.Uuid, guid),
        ];
        foreach (var (input, type, value) in cases)
            Assert.Equal(PartitionKeyCodec.Serialize([new ColumnDefinition("c", type)], [value]), PartitionKeyInput.ParseTypedComponents([input]));
    }

    [Fact]
    public void Bigint_components_round_trip_through_hex_for_any_value() =>
        Gen.Long.Sample(v =>
        {
            byte[] typed = PartitionKeyInput.ParseTypedComponents([$"bigint:{v.ToString(CultureInfo.InvariantCulture)}"]);
            byte[] hex = PartitionKeyInput.ParseHex(Convert.ToHexString(typed));
            return typed.SequenceEqual(hex)
                && PartitionKeyInput.TokenOf(typed) == Murmur3Partitioner.GetToken(PartitionKeyCodec.Serialize([new ColumnDefinition("k", ColumnType.BigInt)], [v]));
        });
}

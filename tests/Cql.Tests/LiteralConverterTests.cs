using RingStore.Cql.Ast;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Core.Values;

namespace RingStore.Cql.Tests;

public class LiteralConverterTests
{
    private static Literal Parsed(string source) =>
        (Literal)Assert.IsType<InsertStatement>(CqlParser.Parse($"INSERT INTO t (c) VALUES ({source})")).Values.Single();

    private static object? Convert(string source, ColumnType type) => LiteralConverter.ToValue(Parsed(source), type, "c");

    [Fact]
    public void Integers_for_bigint_int_and_double()
    {
        Assert.Equal(-9223372036854775808L, Convert("-9223372036854775808", ColumnType.BigInt));
        Assert.Equal(42L, Convert("42", ColumnType.BigInt));
        Assert.Equal(-7, Convert("-7", ColumnType.Int));
        Assert.Equal(3.0, Convert("3", ColumnType.Double));
    }

    [Fact]
    public void Floats_for_double_including_special_values()
    {
        Assert.Equal(1.5, Convert("1.5", ColumnType.Double));
        Assert.Equal(-2.5e-3, Convert("-2.5E-3", ColumnType.Double));
        Assert.Equal(1e10, Convert("1e10", ColumnType.Double));
        Assert.Equal(double.NaN, Convert("NaN", ColumnType.Double));
        Assert.Equal(double.PositiveInfinity, Convert("Infinity", ColumnType.Double));
        Assert.Equal(double.NegativeInfinity, Convert("-Infinity", ColumnType.Double));
    }

    [Fact]
    public void Text_blob_boolean_and_null()
    {
        Assert.Equal("it's", Convert("'it''s'", ColumnType.Text));
        Assert.Equal(new byte[] { 0xCA, 0xFE }, Convert("0xcafe", ColumnType.Blob));
        Assert.Equal(Array.Empty<byte>(), Convert("0x", ColumnType.Blob));
        Assert.Equal(true, Convert("true", ColumnType.Boolean));
        Assert.Equal(false, Convert("FALSE", ColumnType.Boolean));
        foreach (var type in Enum.GetValues<ColumnType>()) Assert.Null(LiteralConverter.ToValue(Literal.Null, type));
    }

    [Theory]
    [InlineData("'2026-11-23'", "2026-11-23T00:00:00.0000000+00:00")]
    [InlineData("'2026-11-23T10:00:00Z'", "2026-11-23T10:00:00.0000000+00:00")]
    [InlineData("'2026-11-23 10:00:00+0000'", "2026-11-23T10:00:00.0000000+00:00")]
    [InlineData("'2026-11-23T10:00'", "2026-11-23T10:00:00.0000000+00:00")]
    [InlineData("'2026-11-23T10:00:00.123+02:00'", "2026-11-23T08:00:00.1230000+00:00")]
    [InlineData("'2026-11-23 12:30:15-0130'", "2026-11-23T14:00:15.0000000+00:00")]
    [InlineData("'2026-11-23T10:00:00+01'", "2026-11-23T09:00:00.0000000+00:00")]
    [InlineData("1700000000000", "2023-11-14T22:13:20.0000000+00:00")]
    [InlineData("-1000", "1969-12-31T23:59:59.0000000+00:00")]
    public void Timestamps_from_iso_strings_and_epoch_milliseconds(string source, string expectedUtc)
    {
        var value = Assert.IsType<DateTimeOffset>(Convert(source, ColumnType.Timestamp));
        Assert.Equal(expectedUtc, value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Fact]
    public void Uuids_quoted_or_not()
    {
        var guid = Guid.Parse("123e4567-e89b-12d3-a456-426614174000");
        Assert.Equal(guid, Convert("123e4567-e89b-12d3-a456-426614174000", ColumnType.Uuid));
        Assert.Equal(guid, Convert("'123E4567-E89B-12D3-A456-426614174000'", ColumnType.Uuid));
        // Version 1 (the '1' after the second dash): a valid timeuuid.
        Assert.Equal(guid, Convert("123e4567-e89b-12d3-a456-426614174000", ColumnType.TimeUuid));
    }

    [Fact]
    public void Converted_values_serialize_with_core_value_codec()
    {
        (string Source, ColumnType Type)[] cases =
        [
            ("1", ColumnType.BigInt), ("1", ColumnType.Int), ("1.5", ColumnType.Double), ("'x'", ColumnType.Text),
            ("0x01", ColumnType.Blob), ("true", ColumnType.Boolean), ("'2026-11-23'", ColumnType.Timestamp),
            ("123e4567-e89b-12d3-a456-426614174000", ColumnType.Uuid), ("123e4567-e89b-12d3-a456-426614174000", ColumnType.TimeUuid),
        ];
        foreach (var (source, type) in cases)
        {
            var value = Convert(source, type);
            var bytes = ValueCodec.Serialize(type, value, "c");
            Assert.Equal(value, ValueCodec.Deserialize(type, bytes) switch
            {
                DateTimeOffset d => d,
                var other => other,
            });
        }
    }

    [Theory]
    [InlineData("1.5", ColumnType.BigInt, "Invalid FLOAT constant (1.5) for \"c\" of type bigint")]
    [InlineData("'1'", ColumnType.BigInt, "Invalid STRING constant (1) for \"c\" of type bigint")]
    [InlineData("9223372036854775808", ColumnType.BigInt, "Invalid INTEGER constant (9223372036854775808) for \"c\" of type bigint: out of range")]
    [InlineData("2147483648", ColumnType.Int, "Invalid INTEGER constant (2147483648) for \"c\" of type int: out of range")]
    [InlineData("true", ColumnType.Int, "Invalid BOOLEAN constant (true) for \"c\" of type int")]
    [InlineData("'1.5'", ColumnType.Double, "Invalid STRING constant (1.5) for \"c\" of type double")]
    [InlineData("1e999", ColumnType.Double, "Invalid FLOAT constant (1e999) for \"c\" of type double: out of range")]
    [InlineData("1", ColumnType.Text, "Invalid INTEGER constant (1) for \"c\" of type text")]
    [InlineData("0xCAFE", ColumnType.Text, "Invalid HEX constant (0xCAFE) for \"c\" of type text")]
    [InlineData("'CAFE'", ColumnType.Blob, "Invalid STRING constant (CAFE) for \"c\" of type blob")]
    [InlineData("0xABC", ColumnType.Blob, "Invalid HEX constant (0xABC) for \"c\" of type blob: odd number of hex digits")]
    [InlineData("'true'", ColumnType.Boolean, "Invalid STRING constant (true) for \"c\" of type boolean")]
    [InlineData("1", ColumnType.Boolean, "Invalid INTEGER constant (1) for \"c\" of type boolean")]
    [InlineData("1.5", ColumnType.Timestamp, "Invalid FLOAT constant (1.5) for \"c\" of type timestamp")]
    [InlineData("'yesterday'", ColumnType.Timestamp, "Invalid STRING constant (yesterday) for \"c\" of type timestamp: expected milliseconds since the epoch or an ISO-8601 date/time like '2026-11-23', '2026-11-23T10:00:00Z' or '2026-11-23 10:00:00+0000'")]
    [InlineData("'2026-02-30'", ColumnType.Timestamp, "Invalid STRING constant (2026-02-30) for \"c\" of type timestamp: expected milliseconds since the epoch or an ISO-8601 date/time like '2026-11-23', '2026-11-23T10:00:00Z' or '2026-11-23 10:00:00+0000'")]
    [InlineData("253402300800000", ColumnType.Timestamp, "Invalid INTEGER constant (253402300800000) for \"c\" of type timestamp: outside the supported range (years 1 to 9999)")]
    [InlineData("1", ColumnType.Uuid, "Invalid INTEGER constant (1) for \"c\" of type uuid")]
    [InlineData("'not-a-uuid'", ColumnType.Uuid, "Invalid STRING constant (not-a-uuid) for \"c\" of type uuid: not a UUID")]
    [InlineData("123e4567-e89b-42d3-a456-426614174000", ColumnType.TimeUuid, "Invalid UUID constant (123e4567-e89b-42d3-a456-426614174000) for \"c\" of type timeuuid: a version-4 UUID is not a timeuuid")]
    [InlineData("0x00", ColumnType.Uuid, "Invalid HEX constant (0x00) for \"c\" of type uuid")]
    public void Wrong_kinds_are_invalid_requests(string source, ColumnType type, string message)
    {
        var error = Assert.Throws<InvalidRequestException>(() => Convert(source, type));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Column_name_defaults_to_a_question_mark()
    {
        var error = Assert.Throws<InvalidRequestException>(() => LiteralConverter.ToValue(Literal.String("x"), ColumnType.Int));
        Assert.Equal("Invalid STRING constant (x) for \"?\" of type int", error.Message);
    }
}

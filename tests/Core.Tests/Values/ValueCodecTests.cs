using System.Buffers.Binary;
using CsCheck;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Core.Tests.Support;
using RingStore.Core.Values;

namespace RingStore.Core.Tests.Values;

public class ValueCodecTests
{
    public static TheoryData<ColumnType> AllTypes() => new(ClusteringValues.AllTypes);

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void Deserialize_inverts_Serialize(ColumnType type)
    {
        ClusteringValues.For(type).Sample(v =>
        {
            byte[] bytes = ValueCodec.Serialize(type, v, "c");
            ValueCodec.Validate(type, bytes, "c");
            object back = ValueCodec.Deserialize(type, bytes);
            Assert.True(ClusteringValues.ValueEquals(type, v, back), $"{ClusteringValues.Show(v)} -> {ClusteringValues.Show(back)}");
            Assert.Equal(bytes, ValueCodec.Serialize(type, back, "c"));
        }, iter: 2000, print: ClusteringValues.Show);
    }

    [Fact]
    public void Serialization_is_cassandras()
    {
        Assert.Equal(Convert.FromHexString("0000000000000001"), ValueCodec.Serialize(ColumnType.BigInt, 1L));
        Assert.Equal(Convert.FromHexString("FFFFFFFFFFFFFFFF"), ValueCodec.Serialize(ColumnType.BigInt, -1L));
        Assert.Equal(Convert.FromHexString("0000000000000007"), ValueCodec.Serialize(ColumnType.BigInt, 7)); // int widens to bigint
        Assert.Equal(Convert.FromHexString("0000002A"), ValueCodec.Serialize(ColumnType.Int, 42));
        Assert.Equal(Convert.FromHexString("3FF0000000000000"), ValueCodec.Serialize(ColumnType.Double, 1.0));
        Assert.Equal(Convert.FromHexString("01"), ValueCodec.Serialize(ColumnType.Boolean, true));
        Assert.Equal(Convert.FromHexString("00"), ValueCodec.Serialize(ColumnType.Boolean, false));
        Assert.Equal(Convert.FromHexString("C3A9"), ValueCodec.Serialize(ColumnType.Text, "é"));
        Assert.Equal(Convert.FromHexString("00000174876E8000"), ValueCodec.Serialize(ColumnType.Timestamp, DateTimeOffset.FromUnixTimeMilliseconds(1_600_000_000_000)));
        Assert.Equal(Convert.FromHexString("00000174876E8000"), ValueCodec.Serialize(ColumnType.Timestamp, 1_600_000_000_000L));
        var uuid = new Guid("01234567-89ab-1def-8123-456789abcdef");
        Assert.Equal(Convert.FromHexString("0123456789AB1DEF8123456789ABCDEF"), ValueCodec.Serialize(ColumnType.Uuid, uuid));
        Assert.Equal(Convert.FromHexString("0123456789AB1DEF8123456789ABCDEF"), ValueCodec.Serialize(ColumnType.TimeUuid, uuid));
    }

    [Fact]
    public void Blob_is_copied_not_aliased()
    {
        byte[] blob = [1, 2, 3];
        byte[] bytes = ValueCodec.Serialize(ColumnType.Blob, blob);
        blob[0] = 9;
        Assert.Equal(1, bytes[0]);
    }

    public static TheoryData<ColumnType, object> WrongClrTypes() => new()
    {
        { ColumnType.BigInt, "1" }, { ColumnType.BigInt, 1.0 }, { ColumnType.Int, 1L }, { ColumnType.Int, "1" },
        { ColumnType.Text, 1 }, { ColumnType.Text, new byte[] { 1 } }, { ColumnType.Blob, "ab" },
        { ColumnType.Boolean, 1 }, { ColumnType.Double, 1L }, { ColumnType.Double, "1.0" }, { ColumnType.Timestamp, "2024-01-01" },
        { ColumnType.Timestamp, 1 }, { ColumnType.Uuid, "01234567-89ab-1def-8123-456789abcdef" }, { ColumnType.TimeUuid, 1L },
    };

    [Theory]
    [MemberData(nameof(WrongClrTypes))]
    public void Wrong_clr_type_is_a_clear_invalid_request(ColumnType type, object value)
    {
        var ex = Assert.Throws<InvalidRequestException>(() => ValueCodec.Serialize(type, value, "mycol"));
        Assert.Contains("mycol", ex.Message);
        Assert.Contains(value.GetType().Name, ex.Message);
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void Null_is_an_invalid_request(ColumnType type)
    {
        var ex = Assert.Throws<InvalidRequestException>(() => ValueCodec.Serialize(type, null, "mycol"));
        Assert.Contains("mycol", ex.Message);
    }

    [Fact]
    public void Timeuuid_rejects_non_v1_uuid()
    {
        var v4 = new Guid("01234567-89ab-4def-8123-456789abcdef");
        var ex = Assert.Throws<InvalidRequestException>(() => ValueCodec.Serialize(ColumnType.TimeUuid, v4, "t"));
        Assert.Contains("version-4", ex.Message);
        Assert.Equal(16, ValueCodec.Serialize(ColumnType.Uuid, v4).Length);
    }

    [Theory]
    [InlineData(ColumnType.BigInt, 8)]
    [InlineData(ColumnType.Timestamp, 8)]
    [InlineData(ColumnType.Double, 8)]
    [InlineData(ColumnType.Int, 4)]
    [InlineData(ColumnType.Boolean, 1)]
    [InlineData(ColumnType.Uuid, 16)]
    [InlineData(ColumnType.TimeUuid, 16)]
    public void Wrong_fixed_length_is_an_invalid_request(ColumnType type, int size)
    {
        foreach (int n in new[] { 0, 1, size - 1, size + 1, 2 * size })
        {
            if (n == size) continue;
            var bytes = new byte[n];
            var ex = Assert.Throws<InvalidRequestException>(() => ValueCodec.Validate(type, bytes, "col"));
            Assert.Contains("col", ex.Message);
            Assert.Throws<InvalidRequestException>(() => ValueCodec.Deserialize(type, bytes));
        }
        ValueCodec.Validate(type, new byte[size], "col");
    }

    [Fact]
    public void Validate_rejects_invalid_utf8_text_and_accepts_any_blob()
    {
        Assert.Throws<InvalidRequestException>(() => ValueCodec.Validate(ColumnType.Text, [0xC3], "t"));
        Assert.Throws<InvalidRequestException>(() => ValueCodec.Validate(ColumnType.Text, [0xFF, 0xFE], "t"));
        ValueCodec.Validate(ColumnType.Text, "日本"u8, "t");
        ValueCodec.Validate(ColumnType.Blob, [0xFF, 0xFE], "b");
        ValueCodec.Validate(ColumnType.Text, [], "t");
    }

    [Fact]
    public void Timestamps_outside_the_representable_range_are_invalid_requests()
    {
        // A timestamp must come back from Deserialize (DateTimeOffset): reject what cannot, up front.
        foreach (long ms in new[] { long.MaxValue, long.MinValue, ClusteringValues.MaxTimestampMs + 1, ClusteringValues.MinTimestampMs - 1 })
        {
            Assert.Throws<InvalidRequestException>(() => ValueCodec.Serialize(ColumnType.Timestamp, ms, "ts"));
            var raw = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(raw, ms);
            Assert.Throws<InvalidRequestException>(() => ValueCodec.Validate(ColumnType.Timestamp, raw, "ts"));
            Assert.Throws<InvalidRequestException>(() => ValueCodec.Deserialize(ColumnType.Timestamp, raw));
        }
        foreach (long ms in new[] { ClusteringValues.MaxTimestampMs, ClusteringValues.MinTimestampMs })
            Assert.Equal(ms, ((DateTimeOffset)ValueCodec.Deserialize(ColumnType.Timestamp, ValueCodec.Serialize(ColumnType.Timestamp, ms))).ToUnixTimeMilliseconds());
    }
}

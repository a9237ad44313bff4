using System.Buffers.Binary;
using CsCheck;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Core.Tests.Support;
using RingStore.Core.Values;

namespace RingStore.Core.Tests.Values;

public class PartitionKeyCodecTests
{
    private static readonly Gen<ColumnDefinition[]> Columns =
        Gen.OneOf(ClusteringValues.AllTypes).Array[1, 4]
            .Select(ts => ts.Select((t, i) => new ColumnDefinition("k" + i, t)).ToArray());

    private static Gen<object[]> ValuesFor(ColumnDefinition[] cols) =>
        cols.Aggregate(Gen.Const(Array.Empty<object>()),
            (acc, c) => Gen.Select(acc, ClusteringValues.For(c.Type)).Select((xs, x) => (object[])[.. xs, x]));

    /// <summary>Independent model of Cassandra's CompositeType bytes.</summary>
    private static byte[] ModelComposite(IEnumerable<byte[]> parts)
    {
        var result = new List<byte>();
        foreach (var p in parts)
        {
            result.Add((byte)(p.Length >> 8));
            result.Add((byte)p.Length);
            result.AddRange(p);
            result.Add(0);
        }
        return [.. result];
    }

    [Fact]
    public void Round_trip_and_bytes_match_cassandra_layout()
    {
        Columns.SelectMany(cols => ValuesFor(cols).Select(v => (cols, v)))
            .Where(t => t.cols.Length > 1 || ValueCodec.Serialize(t.cols[0].Type, t.v[0]).Length > 0)
            .Sample((cols, values) =>
            {
                byte[] key = PartitionKeyCodec.Serialize(cols, values);
                var parts = cols.Select((c, i) => ValueCodec.Serialize(c.Type, values[i])).ToArray();
                Assert.Equal(cols.Length == 1 ? parts[0] : ModelComposite(parts), key);
                PartitionKeyCodec.Validate(cols, key); // what the write path checks: every serialized key passes
                object[] back = PartitionKeyCodec.Deserialize(cols, key);
                Assert.Equal(values.Length, back.Length);
                for (int i = 0; i < values.Length; i++)
                    Assert.True(ClusteringValues.ValueEquals(cols[i].Type, values[i], back[i]));
            }, iter: 3000);
    }

    [Fact]
    public void Bigint_text_example()
    {
        var cols = new[] { new ColumnDefinition("id", ColumnType.BigInt), new ColumnDefinition("bucket", ColumnType.Text) };
        Assert.Equal(Convert.FromHexString("0008000000000000000100" + "000261620" + "0"), PartitionKeyCodec.Serialize(cols, [1L, "ab"]));
    }

    [Theory]
    [InlineData(ColumnType.Text, "")]
    public void Empty_single_component_key_is_rejected(ColumnType type, object value)
    {
        var ex = Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Serialize([new ColumnDefinition("k", type)], [value]));
        Assert.Contains("empty", ex.Message);
        Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Serialize([new ColumnDefinition("k", ColumnType.Blob)], [Array.Empty<byte>()]));
        Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Compose([Array.Empty<byte>()]));
    }

    [Fact]
    public void Wrong_component_count_names_the_columns()
    {
        var cols = new[] { new ColumnDefinition("id", ColumnType.BigInt), new ColumnDefinition("bucket", ColumnType.Text) };
        var ex = Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Serialize(cols, [1L]));
        Assert.Contains("id, bucket", ex.Message);
        Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Serialize(cols, [1L, "a", "b"]));
        Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Serialize(cols, []));
        Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Serialize([], []));
    }

    [Fact]
    public void Wrong_component_type_is_an_invalid_request()
    {
        var cols = new[] { new ColumnDefinition("id", ColumnType.BigInt), new ColumnDefinition("bucket", ColumnType.Text) };
        var ex = Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Serialize(cols, ["1", "a"]));
        Assert.Contains("id", ex.Message);
        Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Serialize(cols, [1L, null]));
    }

    [Fact]
    public void Oversized_component_is_an_invalid_request()
    {
        var cols = new[] { new ColumnDefinition("a", ColumnType.Blob), new ColumnDefinition("b", ColumnType.Int) };
        Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Serialize(cols, [new byte[65536], 1]));
        Assert.Equal(65535 + 3 + 7, PartitionKeyCodec.Serialize(cols, [new byte[65535], 1]).Length);
    }

    [Fact]
    public void Truncated_or_malformed_composite_bytes_are_invalid_requests()
    {
        var cols = new[] { new ColumnDefinition("id", ColumnType.BigInt), new ColumnDefinition("bucket", ColumnType.Text) };
        byte[] key = PartitionKeyCodec.Serialize(cols, [42L, "bucket"]);
        for (int n = 0; n < key.Length; n++)
        {
            Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Deserialize(cols, key.AsSpan(0, n)));
            Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Validate(cols, key.AsSpan(0, n)));
        }
        // A component whose length does not fit its type.
        byte[] bad = (byte[])key.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(bad, 7);
        Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Deserialize(cols, bad));
        Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Validate(cols, bad));
        Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Deserialize([new ColumnDefinition("id", ColumnType.BigInt)], new byte[7]));
        Assert.Throws<InvalidRequestException>(() => PartitionKeyCodec.Validate([new ColumnDefinition("id", ColumnType.BigInt)], new byte[7]));
    }
}

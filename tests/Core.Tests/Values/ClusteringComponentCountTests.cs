using CsCheck;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Core.Values;

namespace RingStore.Core.Tests.Values;

public class ClusteringComponentCountTests
{
    private static readonly ClusteringColumn[] Columns =
    [
        new("a", ColumnType.Text, ClusteringOrder.Desc),
        new("b", ColumnType.BigInt),
        new("c", ColumnType.Uuid, ClusteringOrder.Desc),
        new("d", ColumnType.Blob),
    ];

    [Fact]
    public void Counts_components_of_every_prefix_and_rejects_every_truncation()
    {
        Gen.Select(Gen.String, Gen.Long, Gen.Bool, Gen.Byte.Array[0, 6]).Sample((text, number, v1, blob) =>
        {
            var uuid = v1 ? Guid.Parse("5d8a7a60-1c2b-11ee-8000-000000000001") : Guid.NewGuid();
            object?[] values = [text, number, uuid, blob];
            for (int n = 0; n <= values.Length; n++)
            {
                byte[] key = ClusteringKeyCodec.Encode(Columns, values[..n]);
                Assert.Equal(n, ClusteringKeyCodec.CountComponents(Columns, key));
            }
            byte[] full = ClusteringKeyCodec.Encode(Columns, values);
            Assert.Throws<InvalidRequestException>(() => ClusteringKeyCodec.CountComponents(Columns, [.. full, 7]));
        }, iter: 2000);
    }

    [Fact]
    public void Truncated_fixed_width_component_is_rejected()
    {
        byte[] key = ClusteringKeyCodec.Encode([new ClusteringColumn("x", ColumnType.BigInt)], [42L]);
        Assert.Throws<InvalidRequestException>(() => ClusteringKeyCodec.CountComponents([new ClusteringColumn("x", ColumnType.BigInt)], key[..5]));
    }
}

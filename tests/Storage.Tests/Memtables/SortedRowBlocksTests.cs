using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Serialization;
using RingStore.Storage.Memtables;

namespace RingStore.Storage.Tests.Memtables;

/// <summary>The blocked sorted rows of an out-of-order memtable partition against a sorted-dictionary model.</summary>
public sealed class SortedRowBlocksTests
{
    private static EncodedRowRef RowRef(byte[] key, int version)
    {
        var buffer = new BinaryWriterBuffer();
        DataSerializer.WriteRow(buffer, new Row(key, LivenessInfo.At(version), DeletionTime.Live, [Cell.Live(0, version, [(byte)version])]));
        var bytes = buffer.ToArray();
        return new EncodedRowRef(bytes, 0, bytes.Length);
    }

    [Fact]
    public void Inserts_and_replacements_in_any_order_keep_every_row_sorted_and_findable() =>
        CheckAgainstModel(Gen.Byte[0, 255].Array[0, 3]);

    /// <summary>
    /// Keys longer than the 8-byte prefix the search compares first, from a tiny alphabet: many keys share their first
    /// 8 bytes (or are a zero-padded prefix of another), so ties must fall back to the whole key.
    /// </summary>
    [Fact]
    public void Keys_that_share_their_first_eight_bytes_still_sort_and_find_by_the_whole_key() =>
        CheckAgainstModel(Gen.Int[0, 2].Select(i => i == 2 ? (byte)255 : (byte)i).Array[0, 12]);

    [Fact]
    public void Key_prefix_orders_as_the_bytes_do_when_prefixes_differ()
    {
        Gen.Select(Gen.Byte[0, 255].Array[0, 12], Gen.Byte[0, 255].Array[0, 12]).Sample((a, b) =>
        {
            ulong pa = SortedRowBlocks.KeyPrefix(a), pb = SortedRowBlocks.KeyPrefix(b);
            if (pa != pb) Assert.Equal(Math.Sign(a.AsSpan().SequenceCompareTo(b)), pa < pb ? -1 : 1);
        }, iter: 10_000);
    }

    private static void CheckAgainstModel(Gen<byte[]> genKey)
    {
        Gen.Select(genKey.Array[0, 300], Gen.Int[2, 9], Gen.Bool).Sample((keys, blockSize, preload) =>
        {
            var model = new SortedDictionary<byte[], int>(ByteArrayComparer.Instance);
            SortedRowBlocks blocks;
            int version = 0;
            if (preload)
            {
                // Start from a sorted run, as an ordered list moving to the sorted shape does.
                foreach (var k in keys.Take(keys.Length / 2)) model[k] = ++version;
                blocks = SortedRowBlocks.FromSorted(model.Select(kv => RowRef(kv.Key, kv.Value)).ToArray(), blockSize);
                keys = keys.Skip(keys.Length / 2).ToArray();
            }
            else blocks = new SortedRowBlocks(blockSize);
            foreach (var k in keys)
            {
                var row = RowRef(k, ++version);
                var slot = blocks.Find(k);
                Assert.Equal(model.ContainsKey(k), slot.Found);
                if (slot.Found) blocks.Replace(slot, row);
                else blocks.Insert(slot, row);
                model[k] = version;
            }
            Assert.Equal(model.Count, blocks.Count);
            var inOrder = blocks.InOrder().Select(r => (Convert.ToHexString(r.Clustering), r.Decode().Liveness.TimestampMicros)).ToArray();
            Assert.Equal(model.Select(kv => (Convert.ToHexString(kv.Key), (long)kv.Value)).ToArray(), inOrder);
            var copied = new EncodedRowRef[blocks.Count];
            blocks.CopyTo(copied);
            Assert.Equal(inOrder, copied.Select(r => (Convert.ToHexString(r.Clustering), r.Decode().Liveness.TimestampMicros)).ToArray());
            foreach (var (k, v) in model)
                Assert.Equal(v, blocks.At(blocks.Find(k)).Decode().Liveness.TimestampMicros);
        }, iter: 1000);
    }
}

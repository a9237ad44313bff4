using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Serialization;
using RingStore.Core.Tests.Support;

namespace RingStore.Core.Tests.Serialization;

public class DataSerializerTests
{
    // Valid states only, as the write path builds them; wide ranges to exercise every varint size.
    // long.MinValue means "no marker" / "live deletion", so real timestamps never use it.
    private static readonly Gen<long> Ts = Gen.Frequency((3, Gen.Long[long.MinValue + 1, long.MaxValue]), (1, Gen.Long[-2, 2]), (1, Gen.OneOf(long.MinValue + 1, long.MaxValue)));
    private static readonly Gen<int> Now = Gen.Frequency((3, Gen.Int[0, int.MaxValue]), (1, Gen.Int[0, 3]));
    private static readonly Gen<int> Ttl = Gen.Frequency((3, Gen.Int[1, 630_720_000]), (1, Gen.Int[1, int.MaxValue]));
    private static readonly Gen<byte[]> Bytes = Gen.Byte.Array[0, 40];

    private static Gen<Cell> CellFor(int column) =>
        Gen.Frequency(
            (3, Gen.Select(Ts, Bytes).Select((t, v) => Cell.Live(column, t, v))),
            (2, Gen.Select(Ts, Bytes, Ttl, Now).Select((t, v, ttl, now) => Cell.Expiring(column, t, v, ttl, now))),
            (2, Gen.Select(Ts, Now).Select((t, now) => Cell.Tombstone(column, t, now))),
            (1, Gen.Select(Ts, Bytes, Ttl, Now).Select((t, v, ttl, now) => Cell.Expiring(column, t, v, ttl, now).AsTombstoneIfExpired(int.MaxValue))));

    private static readonly Gen<LivenessInfo> Liveness =
        Gen.Frequency(
            (1, Gen.Const(LivenessInfo.None)),
            (2, Ts.Select(LivenessInfo.At)),
            (2, Gen.Select(Ts, Ttl, Now).Select((t, ttl, now) => LivenessInfo.Expiring(t, ttl, now))));

    private static readonly Gen<DeletionTime> Deletion =
        Gen.Frequency((2, Gen.Const(DeletionTime.Live)), (3, Gen.Select(Ts, Now).Select((t, s) => new DeletionTime(t, s))));

    private static readonly Gen<Cell[]> Cells =
        Gen.Int[0, 300].Array[0, 6].SelectMany(cols =>
            cols.Distinct().Order().Aggregate(Gen.Const(Array.Empty<Cell>()),
                (acc, c) => Gen.Select(acc, CellFor(c)).Select((xs, x) => (Cell[])[.. xs, x])));

    internal static readonly Gen<Row> Row =
        Gen.Select(Bytes, Liveness, Deletion, Cells).Select((ck, l, d, cs) => new Row(ck, l, d, cs));

    private static readonly Gen<ClusteringBound> Bound =
        Gen.Frequency((1, Gen.Const(ClusteringBound.Unbounded)), (3, Gen.Select(Gen.Byte.Array[1, 20], Gen.Bool).Select((p, inc) => new ClusteringBound(p, inc))));

    private static readonly Gen<RangeTombstone> RangeTombstone =
        Gen.Select(Bound, Bound, Gen.Select(Ts, Now).Select((t, s) => new DeletionTime(t, s)))
            .Select((s, e, d) => new RangeTombstone(new ClusteringSlice(s, e), d));

    private static readonly Gen<PartitionUpdate> Update =
        Gen.Select(Gen.OneOf("ks.t", "k.table_with_é", ""), Gen.Byte.Array[1, 30], Deletion, RangeTombstone.Array[0, 3], Row.Array[0, 4])
            .Select((table, key, pd, rts, rows) => new PartitionUpdate(table, key, pd, rts, rows));

    private static void AssertUpdatesEqual(PartitionUpdate expected, PartitionUpdate actual)
    {
        Assert.Equal(expected.Table, actual.Table);
        Assert.Equal(expected.PartitionKey, actual.PartitionKey);
        Assert.Equal(expected.PartitionDeletion, actual.PartitionDeletion);
        Assert.Equal(expected.RangeTombstones, actual.RangeTombstones); // record equality; bounds compare bytes
        Assert.Equal(expected.Rows.Count, actual.Rows.Count);
        for (int i = 0; i < expected.Rows.Count; i++)
            Assert.True(DataGen.RowEquals(expected.Rows[i], actual.Rows[i]), $"row {i}: {DataGen.Show(expected.Rows[i])} != {DataGen.Show(actual.Rows[i])}");
    }

    [Fact]
    public void PartitionUpdate_round_trips()
    {
        Update.Sample(u => AssertUpdatesEqual(u, DataSerializer.ReadPartitionUpdate(DataSerializer.Serialize(u))), iter: 3000);
    }

    /// <summary>
    /// An encoded update's layout read in place (what a replica applies without decoding, issue 20) says what the full
    /// decode says: table, key, partition deletion, range tombstones, and each row exactly where the writer put it.
    /// A cut anywhere, or a byte after the last row, is a FormatException.
    /// </summary>
    [Fact]
    public void EncodedPartitionUpdate_reads_the_parts_and_row_bounds_the_writer_wrote()
    {
        Update.Sample(u =>
        {
            var w = new BinaryWriterBuffer();
            var written = new int[u.Rows.Count + 1];
            DataSerializer.WritePartitionUpdate(w, u, written);
            byte[] data = w.ToArray();
            var layout = EncodedPartitionUpdate.ReadHeader(data);
            Assert.Equal(u.Table, System.Text.Encoding.UTF8.GetString(data.AsSpan()[layout.Table]));
            Assert.Equal(u.PartitionKey, data.AsSpan()[layout.PartitionKey].ToArray());
            Assert.Equal(u.PartitionDeletion, layout.PartitionDeletion);
            Assert.Equal(u.RangeTombstones, layout.ReadRangeTombstones(data));
            Assert.Equal(u.Rows.Count, layout.RowCount);
            var bounds = new int[layout.RowCount + 1];
            layout.FindRowBounds(data, bounds);
            Assert.Equal(written, bounds);

            int cut = data.Length == 0 ? 0 : u.GetHashCode() % data.Length;
            Assert.Throws<FormatException>(() =>
            {
                var l = EncodedPartitionUpdate.ReadHeader(data.AsSpan(0, Math.Abs(cut)));
                l.FindRowBounds(data.AsSpan(0, Math.Abs(cut)), new int[l.RowCount + 1]);
            });
            Assert.Throws<FormatException>(() => layout.FindRowBounds([.. data, 0], new int[layout.RowCount + 1]));
        }, iter: 2000);
    }

    [Fact]
    public void Row_round_trips_and_consumes_exactly_its_bytes()
    {
        Gen.Select(Row, Row).Sample((a, b) =>
        {
            var w = new BinaryWriterBuffer();
            DataSerializer.WriteRow(w, a);
            int first = w.Length;
            DataSerializer.WriteRow(w, b);
            var r = new BinaryReaderSpan(w.WrittenSpan);
            Assert.True(DataGen.RowEquals(a, DataSerializer.ReadRow(ref r)));
            Assert.Equal(first, r.Position);
            Assert.True(DataGen.RowEquals(b, DataSerializer.ReadRow(ref r)));
            Assert.True(r.AtEnd);
        }, iter: 3000);
    }

    [Fact]
    public void RangeTombstone_round_trips()
    {
        RangeTombstone.Sample(rt =>
        {
            var w = new BinaryWriterBuffer();
            DataSerializer.WriteRangeTombstone(w, rt);
            var r = new BinaryReaderSpan(w.WrittenSpan);
            Assert.Equal(rt, DataSerializer.ReadRangeTombstone(ref r));
            Assert.True(r.AtEnd);
        }, iter: 2000);
    }

    [Fact]
    public void Every_truncation_throws_FormatException()
    {
        Update.Sample(u =>
        {
            byte[] data = DataSerializer.Serialize(u);
            for (int n = 0; n < data.Length; n++)
            {
                var ex = Record.Exception(() => DataSerializer.ReadPartitionUpdate(data.AsSpan(0, n)));
                Assert.True(ex is FormatException, $"truncated to {n}/{data.Length}: {ex?.GetType().Name ?? "no exception"}");
            }
        }, iter: 200);
    }

    [Fact]
    public void Corrupted_input_throws_only_FormatException()
    {
        // Flipped bytes may still decode (there is no checksum at this level), but nothing else may escape.
        Gen.Select(Update, Gen.Int[0, int.MaxValue].Array[1, 4], Gen.Byte[1, 255]).Sample((u, positions, mask) =>
        {
            byte[] data = DataSerializer.Serialize(u);
            foreach (int p in positions) data[p % data.Length] ^= mask;
            var ex = Record.Exception(() => DataSerializer.ReadPartitionUpdate(data));
            Assert.True(ex is null or FormatException, ex?.ToString());
        }, iter: 5000);
    }

    [Fact]
    public void Random_bytes_throw_only_FormatException()
    {
        Gen.Byte.Array[0, 64].Sample(data =>
        {
            var ex = Record.Exception(() => DataSerializer.ReadPartitionUpdate(data));
            Assert.True(ex is null or FormatException, ex?.ToString());
        }, iter: 5000);
    }

    [Fact]
    public void Huge_counts_and_lengths_are_FormatExceptions()
    {
        var w = new BinaryWriterBuffer();
        w.WriteString("ks.t");
        w.WriteBlob([1]);
        DataSerializer.WriteDeletion(w, DeletionTime.Live);
        w.WriteVarUInt(ulong.MaxValue); // range tombstone count
        Assert.Throws<FormatException>(() => DataSerializer.ReadPartitionUpdate(w.WrittenSpan));

        var blob = new BinaryWriterBuffer();
        blob.WriteVarUInt((ulong)int.MaxValue + 5);
        Assert.Throws<FormatException>(() => { var r = new BinaryReaderSpan(blob.WrittenSpan); r.ReadBlob(); });

        // An 11-byte varint with every continuation bit set.
        byte[] longVarint = [.. Enumerable.Repeat((byte)0xFF, 11)];
        Assert.Throws<FormatException>(() => { var r = new BinaryReaderSpan(longVarint); r.ReadVarUInt(); });
    }

    [Fact]
    public void Varints_round_trip_at_every_size()
    {
        Gen.Frequency((1, Gen.Long), (1, Gen.Int[0, 63].Select(s => 1L << s)), (1, Gen.Int[0, 63].Select(s => -(1L << s))))
            .Sample(v =>
            {
                var w = new BinaryWriterBuffer();
                w.WriteVarInt(v);
                w.WriteVarUInt((ulong)v);
                var r = new BinaryReaderSpan(w.WrittenSpan);
                Assert.Equal(v, r.ReadVarInt());
                Assert.Equal((ulong)v, r.ReadVarUInt());
                Assert.True(r.AtEnd);
            }, iter: 3000);
    }

    [Fact]
    public void Row_bounds_locate_each_row_encoding_inside_the_update()
    {
        Update.Sample(u =>
        {
            var plain = new BinaryWriterBuffer();
            DataSerializer.WritePartitionUpdate(plain, u);
            var w = new BinaryWriterBuffer();
            var bounds = new int[u.Rows.Count + 1];
            DataSerializer.WritePartitionUpdate(w, u, bounds);
            Assert.True(plain.WrittenSpan.SequenceEqual(w.WrittenSpan)); // same bytes either way
            Assert.Equal(w.Length, bounds[^1]); // rows come last
            for (int i = 0; i < u.Rows.Count; i++)
            {
                var one = new BinaryWriterBuffer();
                DataSerializer.WriteRow(one, u.Rows[i]);
                var encoded = w.WrittenSpan[bounds[i]..bounds[i + 1]];
                Assert.True(one.WrittenSpan.SequenceEqual(encoded));
                Assert.True(DataSerializer.ReadRowClustering(encoded).SequenceEqual(u.Rows[i].Clustering));
            }
        }, iter: 1000);
    }
}

using System.Buffers.Binary;
using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Serialization;
using RingStore.Storage.Memtables;

namespace RingStore.Storage.Tests.Memtables;

/// <summary>
/// The ordered-list shape of <see cref="MemtablePartition"/> (batches adopted whole while writes arrive in
/// clustering order) must hold exactly what the row-by-row tree merge holds: a model test against that old
/// path over random sequences of sorted, unsorted, overlapping and duplicated batches.
/// </summary>
public class MemtablePartitionTests
{
    private sealed record GenRow(int Ck, long Ts, bool Marker, bool CellTombstone, long RowDeletedAt, byte[] Value);

    private sealed record Batch(GenRow[] Rows, bool Sorted, long PartitionDeletedAt, bool RangeTombstone);

    private static readonly Gen<GenRow> GenRowGen = Gen.Select(Gen.Int[0, 40], Gen.Long[1, 6], Gen.Bool,
        Gen.Frequency((1, Gen.Const(true)), (6, Gen.Const(false))),
        Gen.Frequency((1, Gen.Long[1, 6]), (8, Gen.Const(long.MinValue))), Gen.Byte.Array[0, 4],
        (ck, ts, marker, tomb, del, v) => new GenRow(ck, ts, marker, tomb, del, v));

    private static readonly Gen<Batch> GenBatch = Gen.Select(GenRowGen.Array[0, 8], Gen.Frequency((3, Gen.Const(true)), (1, Gen.Const(false))),
        Gen.Frequency((1, Gen.Long[1, 6]), (10, Gen.Const(long.MinValue))), Gen.Frequency((1, Gen.Const(true)), (10, Gen.Const(false))),
        (rows, sorted, pd, rt) => new Batch(rows, sorted, pd, rt));

    private static byte[] Key(int ck)
    {
        var key = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(key, ck);
        return key;
    }

    private static Row ToRow(GenRow r) => new(Key(r.Ck), r.Marker ? LivenessInfo.At(r.Ts) : LivenessInfo.None,
        r.RowDeletedAt == long.MinValue ? DeletionTime.Live : new DeletionTime(r.RowDeletedAt, 100),
        [r.CellTombstone ? Cell.Tombstone(0, r.Ts, 100) : Cell.Live(0, r.Ts, r.Value)]);

    private static PartitionUpdate ToUpdate(Batch b)
    {
        var rows = b.Rows;
        // A sorted batch: ascending, duplicates removed (the shape the fast path adopts).
        if (b.Sorted) rows = rows.DistinctBy(r => r.Ck).OrderBy(r => r.Ck).ToArray();
        var deletion = b.PartitionDeletedAt == long.MinValue ? DeletionTime.Live : new DeletionTime(b.PartitionDeletedAt, 100);
        RangeTombstone[] rts = b.RangeTombstone
            ? [new RangeTombstone(new ClusteringSlice(new ClusteringBound(Key(3), true), new ClusteringBound(Key(9), false)), new DeletionTime(4, 100))]
            : [];
        return new PartitionUpdate("ks.t", [1], deletion, rts, rows.Select(ToRow).ToArray());
    }

    private static string Render(IEnumerable<Row> rows) => string.Join(",", rows.Select(row =>
    {
        var w = new BinaryWriterBuffer();
        DataSerializer.WriteRow(w, row);
        return Convert.ToHexString(w.WrittenSpan);
    }));

    private static long EncodedLength(Row row)
    {
        var w = new BinaryWriterBuffer();
        DataSerializer.WriteRow(w, row);
        return w.Length;
    }

    /// <summary>The pre-change path: every row merged one by one into a sorted tree.</summary>
    private sealed class TreeModel
    {
        public readonly SortedDictionary<byte[], Row> Rows = new(ByteArrayComparer.Instance);
        public DeletionTime PartitionDeletion = DeletionTime.Live;
        public int RangeTombstones;

        public void Apply(PartitionUpdate u)
        {
            PartitionDeletion = DeletionTime.Max(PartitionDeletion, u.PartitionDeletion);
            RangeTombstones += u.RangeTombstones.Count;
            foreach (var row in u.Rows)
                Rows[row.Clustering] = Rows.TryGetValue(row.Clustering, out var existing) ? Reconcile.Rows(existing, row) : row;
        }
    }

    [Fact]
    public void Ordered_and_tree_shapes_hold_what_row_by_row_merging_holds()
    {
        Gen.Select(GenBatch.Array[1, 12], Gen.Int[-1, 41], Gen.Int[-1, 41], Gen.Bool, Gen.Bool).Sample((batches, lo, hi, loIncl, hiIncl) =>
        {
            var partition = new MemtablePartition([1], new MemtableArena()) { BlockSize = 4 }; // small blocks: splits happen
            var model = new TreeModel();
            long size = 0;
            foreach (var b in batches)
            {
                var update = ToUpdate(b);
                if (b.Rows.Length % 2 == 0)
                {
                    size += partition.Apply(update); // the partition encodes the rows itself
                }
                else
                {
                    // The engine's path: the rows as encoded inside the commit-log payload.
                    var payload = new BinaryWriterBuffer();
                    var bounds = new int[update.Rows.Count + 1];
                    DataSerializer.WritePartitionUpdate(payload, update, bounds);
                    size += partition.Apply(update, new EncodedRows(payload.WrittenSpan, bounds));
                }
                model.Apply(update);
            }

            var all = partition.Snapshot(ClusteringSlice.All, reversed: false);
            Assert.Equal(Render(model.Rows.Values), Render(all.Rows));
            Assert.Equal(Render(model.Rows.Values.Reverse()), Render(partition.Snapshot(ClusteringSlice.All, reversed: true).Rows));
            Assert.Equal(model.PartitionDeletion, all.PartitionDeletion);
            Assert.Equal(model.RangeTombstones, all.RangeTombstones.Count);

            var slice = new ClusteringSlice(lo < 0 ? ClusteringBound.Unbounded : new ClusteringBound(Key(lo), loIncl),
                hi < 0 ? ClusteringBound.Unbounded : new ClusteringBound(Key(hi), hiIncl));
            Assert.Equal(Render(model.Rows.Values.Where(r => slice.Contains(r.Clustering))), Render(partition.Snapshot(slice, reversed: false).Rows));

            // The size estimate covers the rows held now: exactly their encoded bytes plus a list slot each while
            // they are an ordered list; at least their encoded bytes and a block slot each once sorted in blocks
            // (superseded bytes left in the arena stay counted until the memtable is freed).
            long tombstones = batches.Count(b => b.RangeTombstone) * (64L + 4 + 4);
            if (partition.IsOrderedList)
                Assert.Equal(model.Rows.Values.Sum(r => EncodedLength(r) + MemtablePartition.ListSlotBytes) + tombstones, size);
            else
                Assert.True(size >= model.Rows.Values.Sum(r => EncodedLength(r) + MemtablePartition.TreeSlotBytes) + tombstones);
        }, iter: 2000);
    }

    [Fact]
    public void A_sorted_batch_into_a_new_partition_stays_a_list_and_an_overwrite_moves_it_to_the_tree()
    {
        var partition = new MemtablePartition([1], new MemtableArena());
        var first = Enumerable.Range(0, 100).Select(i => ToRow(new GenRow(i, 5, true, false, long.MinValue, [1]))).ToArray();
        partition.Apply(new PartitionUpdate("ks.t", [1], DeletionTime.Live, [], first));
        Assert.True(partition.IsOrderedList);

        // Appending after the last row keeps the list.
        partition.Apply(new PartitionUpdate("ks.t", [1], DeletionTime.Live, [], [ToRow(new GenRow(200, 5, true, false, long.MinValue, [2]))]));
        Assert.True(partition.IsOrderedList);

        // A newer version of row 7 lands inside the list: the rows move to the tree and the merge rule picks the newer cell.
        partition.Apply(new PartitionUpdate("ks.t", [1], DeletionTime.Live, [], [ToRow(new GenRow(7, 9, true, false, long.MinValue, [3]))]));
        Assert.False(partition.IsOrderedList);
        var row7 = Assert.Single(partition.Snapshot(ClusteringSlice.Exactly(Key(7)), reversed: false).Rows);
        Assert.Equal([3], row7.Cells[0].Value);
        Assert.Equal(101, partition.Snapshot(ClusteringSlice.All, reversed: false).Rows.Count());
    }
}

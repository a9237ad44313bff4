using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Tests.Support;

namespace RingStore.Core.Tests.Data;

public class ReconcileTests
{
    private const int Iter = 20_000;

    // ---- Cells ----

    [Fact]
    public void Cells_merge_is_commutative()
    {
        Gen.Select(DataGen.AnyCell, DataGen.AnyCell).Sample((a, b) =>
            Assert.Equal(Reconcile.Cells(a, b), Reconcile.Cells(b, a)),
            iter: Iter, print: t => $"{DataGen.Show(t.Item1)} {DataGen.Show(t.Item2)}");
    }

    [Fact]
    public void Cells_merge_is_associative()
    {
        Gen.Select(DataGen.AnyCell, DataGen.AnyCell, DataGen.AnyCell).Sample((a, b, c) =>
            Assert.Equal(Reconcile.Cells(Reconcile.Cells(a, b), c), Reconcile.Cells(a, Reconcile.Cells(b, c))),
            iter: Iter, print: t => $"{DataGen.Show(t.Item1)} {DataGen.Show(t.Item2)} {DataGen.Show(t.Item3)}");
    }

    [Fact]
    public void Cells_merge_is_idempotent_and_selects_an_input()
    {
        Gen.Select(DataGen.AnyCell, DataGen.AnyCell).Sample((a, b) =>
        {
            Assert.Equal(a, Reconcile.Cells(a, a));
            var m = Reconcile.Cells(a, b);
            Assert.True(m.Equals(a) || m.Equals(b));
            Assert.Equal(m, Reconcile.Cells(m, a));
            Assert.Equal(m, Reconcile.Cells(m, b));
        }, iter: Iter);
    }

    [Fact]
    public void Cells_merge_follows_the_rule()
    {
        Gen.Select(DataGen.AnyCell, DataGen.AnyCell).Sample((a, b) =>
        {
            var m = Reconcile.Cells(a, b);
            if (a.TimestampMicros != b.TimestampMicros)
                Assert.Equal(Math.Max(a.TimestampMicros, b.TimestampMicros), m.TimestampMicros);           // higher timestamp wins
            else if (a.IsTombstone != b.IsTombstone)
                Assert.True(m.IsTombstone);                                                                // tie: tombstone wins
            else if (!a.IsTombstone && a.IsExpiring != b.IsExpiring)
                Assert.True(m.IsExpiring);                                                                 // tie: expiring beats regular (CASSANDRA-14592)
            else if (a.IsExpiring && a.LocalDeletionTimeSeconds != b.LocalDeletionTimeSeconds)
                Assert.Equal(Math.Min(a.LocalDeletionTimeSeconds, b.LocalDeletionTimeSeconds), m.LocalDeletionTimeSeconds); // tie: expires first wins
            else if (!a.IsTombstone)
                Assert.Equal(ClusteringValues.CompareUnsigned(a.Value, b.Value) >= 0 ? a.Value : b.Value, m.Value); // tie: greater value
        }, iter: Iter, print: t => $"{DataGen.Show(t.Item1)} {DataGen.Show(t.Item2)}");
    }

    [Fact]
    public void Cells_rule_examples()
    {
        var older = Cell.Live(1, 10, [9]);
        var newer = Cell.Live(1, 11, [1]);
        Assert.Equal(newer, Reconcile.Cells(older, newer));
        var tomb = Cell.Tombstone(1, 10, 100);
        Assert.Equal(tomb, Reconcile.Cells(older, tomb));
        Assert.Equal(newer, Reconcile.Cells(tomb, newer));
        var small = Cell.Live(1, 10, [0x01, 0xFF]);
        var big = Cell.Live(1, 10, [0x80]);
        Assert.Equal(big, Reconcile.Cells(small, big));   // unsigned bytes: 0x80 > 0x01
        var prefix = Cell.Live(1, 10, [0x80, 0x00]);
        Assert.Equal(prefix, Reconcile.Cells(big, prefix)); // longer wins over its prefix
    }

    [Fact]
    public void Expiry_of_a_cell_never_changes_which_cell_wins_a_timestamp_tie()
    {
        // Whether a replica compacted (turning the expired cell into a tombstone) before merging
        // must not change the answer.
        var expiring = Cell.Expiring(1, 10, [0x01], ttlSeconds: 5, nowSeconds: 100);
        var regular = Cell.Live(1, 10, [0xFF]);
        var laterExpiring = Cell.Expiring(1, 10, [0xFF], ttlSeconds: 50, nowSeconds: 100);
        foreach (var other in new[] { regular, laterExpiring })
        {
            var before = Reconcile.Cells(expiring, other);
            var after = Reconcile.Cells(expiring.AsTombstoneIfExpired(200), other);
            Assert.Equal(before.IsLiveAt(200), after.IsLiveAt(200));
            Assert.Same(expiring.Value, before.Value);
        }
    }

    // ---- Liveness ----

    [Fact]
    public void Liveness_merge_is_commutative_associative_idempotent()
    {
        Gen.Select(DataGen.Liveness, DataGen.Liveness, DataGen.Liveness).Sample((a, b, c) =>
        {
            Assert.Equal(Reconcile.Liveness(a, b), Reconcile.Liveness(b, a));
            Assert.Equal(Reconcile.Liveness(Reconcile.Liveness(a, b), c), Reconcile.Liveness(a, Reconcile.Liveness(b, c)));
            Assert.Equal(a, Reconcile.Liveness(a, a));
            Assert.Equal(Math.Max(a.TimestampMicros, b.TimestampMicros), Reconcile.Liveness(a, b).TimestampMicros);
            Assert.Equal(a, Reconcile.Liveness(a, LivenessInfo.None));
        }, iter: Iter);
    }

    [Fact]
    public void DeletionTime_max_is_commutative_associative_idempotent()
    {
        Gen.Select(DataGen.Deletion, DataGen.Deletion, DataGen.Deletion).Sample((a, b, c) =>
        {
            Assert.Equal(DeletionTime.Max(a, b), DeletionTime.Max(b, a));
            Assert.Equal(DeletionTime.Max(DeletionTime.Max(a, b), c), DeletionTime.Max(a, DeletionTime.Max(b, c)));
            Assert.Equal(a, DeletionTime.Max(a, a));
            Assert.Equal(a, DeletionTime.Max(a, DeletionTime.Live));
        }, iter: Iter);
    }

    // ---- Rows ----

    [Fact]
    public void Rows_merge_is_commutative_associative_idempotent()
    {
        Gen.Select(DataGen.Row, DataGen.Row, DataGen.Row).Sample((a, b, c) =>
        {
            Assert.True(DataGen.RowEquals(Reconcile.Rows(a, b), Reconcile.Rows(b, a)), "commutative");
            Assert.True(DataGen.RowEquals(Reconcile.Rows(Reconcile.Rows(a, b), c), Reconcile.Rows(a, Reconcile.Rows(b, c))), "associative");
            Assert.True(DataGen.RowEquals(a, Reconcile.Rows(a, a)), "idempotent");
        }, iter: 10_000, print: t => $"{DataGen.Show(t.Item1)}\n{DataGen.Show(t.Item2)}\n{DataGen.Show(t.Item3)}");
    }

    [Fact]
    public void Rows_merge_keeps_cells_sorted_and_merges_per_column()
    {
        Gen.Select(DataGen.Row, DataGen.Row).Sample((a, b) =>
        {
            var m = Reconcile.Rows(a, b);
            for (int i = 1; i < m.Cells.Length; i++) Assert.True(m.Cells[i - 1].Column < m.Cells[i].Column);
            var columns = a.Cells.Select(c => c.Column).Union(b.Cells.Select(c => c.Column)).Order().ToArray();
            Assert.Equal(columns, m.Cells.Select(c => c.Column).ToArray());
            foreach (var cell in m.Cells)
            {
                Cell? x = a.CellFor(cell.Column), y = b.CellFor(cell.Column);
                var expected = x is null ? y!.Value : y is null ? x.Value : Reconcile.Cells(x.Value, y.Value);
                Assert.Equal(expected, cell);
            }
        }, iter: 5000);
    }

    // ---- Deletions ----

    [Fact]
    public void ApplyDeletion_drops_shadowed_data_and_keeps_newer()
    {
        Gen.Select(DataGen.Row, DataGen.Deletion).Sample((row, deletion) =>
        {
            var result = Reconcile.ApplyDeletion(row, deletion);
            var effective = DeletionTime.Max(deletion, row.Deletion);
            if (effective.IsLive) { Assert.Same(row, result); return; }
            var expectedCells = row.Cells.Where(c => effective.IsLive || c.TimestampMicros > effective.MarkedForDeleteAtMicros).ToArray();
            var expectedLiveness = !effective.IsLive && row.Liveness.TimestampMicros <= effective.MarkedForDeleteAtMicros ? LivenessInfo.None : row.Liveness;
            bool empty = expectedCells.Length == 0 && expectedLiveness.IsEmpty && row.Deletion.IsLive;
            if (empty) { Assert.Null(result); return; }
            Assert.NotNull(result);
            Assert.Equal(expectedCells, result.Cells);
            Assert.Equal(expectedLiveness, result.Liveness);
            Assert.Equal(row.Deletion, result.Deletion);
            Assert.Equal(row.Clustering, result.Clustering);
        }, iter: Iter, print: t => $"{DataGen.Show(t.Item1)} {t.Item2}");
    }

    [Fact]
    public void ApplyDeletion_is_idempotent_and_composes_as_max()
    {
        Gen.Select(DataGen.Row, DataGen.Deletion, DataGen.Deletion).Sample((row, d1, d2) =>
        {
            var once = Reconcile.ApplyDeletion(row, d1);
            Assert.True(DataGen.RowEquals(once, once is null ? null : Reconcile.ApplyDeletion(once, d1)));
            var twice = once is null ? null : Reconcile.ApplyDeletion(once, d2);
            Assert.True(DataGen.RowEquals(twice, Reconcile.ApplyDeletion(row, DeletionTime.Max(d1, d2))));
        }, iter: Iter);
    }

    [Fact]
    public void Merge_then_delete_equals_delete_then_merge()
    {
        // What a reader sees does not depend on whether deletions were applied before or after merging.
        Gen.Select(DataGen.Row, DataGen.Row, DataGen.Deletion).Sample((a, b, d) =>
        {
            var all = DeletionTime.Max(d, DeletionTime.Max(a.Deletion, b.Deletion));
            var mergedFirst = Reconcile.ApplyDeletion(Reconcile.Rows(a, b), d);
            Row? ra = Reconcile.ApplyDeletion(a, all), rb = Reconcile.ApplyDeletion(b, all);
            var deletedFirst = ra is null ? rb : rb is null ? ra : Reconcile.Rows(ra, rb);
            Assert.Equal(mergedFirst?.Cells ?? [], deletedFirst?.Cells ?? []);
            Assert.Equal(mergedFirst?.Liveness ?? LivenessInfo.None, deletedFirst?.Liveness ?? LivenessInfo.None);
        }, iter: 10_000, print: t => $"{DataGen.Show(t.Item1)}\n{DataGen.Show(t.Item2)}\n{t.Item3}");
    }

    [Fact]
    public void ApplyDeletion_example()
    {
        var row = new Row([1], LivenessInfo.At(5), DeletionTime.Live,
            [Cell.Live(0, 4, [1]), Cell.Live(1, 5, [1]), Cell.Live(2, 6, [1]), Cell.Tombstone(3, 7, 0)]);
        var r = Reconcile.ApplyDeletion(row, new DeletionTime(5, 100))!;
        Assert.True(r.Liveness.IsEmpty);                              // marker at ts 5 <= 5 is shadowed
        Assert.Equal([2, 3], r.Cells.Select(c => c.Column).ToArray()); // ts 4, 5 dropped; 6, 7 kept
        Assert.Null(Reconcile.ApplyDeletion(row, new DeletionTime(7, 100)));
        Assert.Same(row, Reconcile.ApplyDeletion(row, DeletionTime.Live));
    }
}

using CsCheck;
using RingStore.Core.Data;

namespace RingStore.Core.Tests.Support;

/// <summary>Generators of cells, rows and deletions. Small ranges force timestamp and value ties.</summary>
public static class DataGen
{
    public static readonly Gen<long> SmallTs = Gen.Long[0, 6];

    public static readonly Gen<byte[]> SmallValue = Gen.Byte[0, 2].Array[0, 2];

    /// <summary>Cells as the write path makes them: live, expiring, tombstone.</summary>
    public static Gen<Cell> CellFor(int column, Gen<long> ts) =>
        Gen.Frequency(
            (3, Gen.Select(ts, SmallValue).Select((t, v) => Cell.Live(column, t, v))),
            (2, Gen.Select(ts, SmallValue, Gen.Int[1, 3], Gen.Int[0, 3]).Select((t, v, ttl, now) => Cell.Expiring(column, t, v, ttl, now))),
            (2, Gen.Select(ts, Gen.Int[0, 3]).Select((t, now) => Cell.Tombstone(column, t, now))));

    /// <summary>Any value of the Cell struct, including combinations the write path never makes.</summary>
    public static Gen<Cell> RawCellFor(int column) =>
        Gen.Select(SmallTs, Gen.Int[0, 2], Gen.Int[0, 3], Gen.Bool, SmallValue)
            .Select((t, ttl, ldt, tomb, v) => new Cell(column, t, ttl, ldt == 3 ? Cell.NoDeletion : ldt, tomb ? null : v));

    public static readonly Gen<Cell> AnyCell = Gen.Frequency((3, CellFor(0, SmallTs)), (1, RawCellFor(0)));

    public static readonly Gen<LivenessInfo> Liveness =
        Gen.Frequency(
            (1, Gen.Const(LivenessInfo.None)),
            (2, SmallTs.Select(LivenessInfo.At)),
            (2, Gen.Select(SmallTs, Gen.Int[1, 3], Gen.Int[0, 3]).Select((t, ttl, now) => LivenessInfo.Expiring(t, ttl, now))),
            (1, Gen.Select(SmallTs, Gen.Int[0, 2], Gen.Int[0, 3]).Select((t, ttl, exp) => new LivenessInfo(t, ttl, exp))));

    public static readonly Gen<DeletionTime> Deletion =
        Gen.Frequency(
            (2, Gen.Const(DeletionTime.Live)),
            (3, Gen.Select(SmallTs, Gen.Int[0, 3]).Select((t, s) => new DeletionTime(t, s))));

    /// <summary>Cells sorted by column, at most one per column (columns 0..3).</summary>
    public static readonly Gen<Cell[]> Cells =
        Gen.Int[0, 15].SelectMany(mask =>
            Enumerable.Range(0, 4).Where(c => (mask & (1 << c)) != 0)
                .Aggregate(Gen.Const(Array.Empty<Cell>()),
                    (acc, c) => Gen.Select(acc, Gen.Frequency((4, CellFor(c, SmallTs)), (1, RawCellFor(c)))).Select((xs, x) => (Cell[])[.. xs, x])));

    public static Gen<Row> RowWith(byte[] clustering) =>
        Gen.Select(Liveness, Deletion, Cells).Select((l, d, cs) => new Row(clustering, l, d, cs));

    public static readonly Gen<Row> Row = RowWith([1, 2, 3]);

    public static bool RowEquals(Row? a, Row? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Clustering.AsSpan().SequenceEqual(b.Clustering) && a.Liveness == b.Liveness && a.Deletion == b.Deletion &&
              a.Cells.AsSpan().SequenceEqual(b.Cells);

    public static string Show(Cell c) =>
        $"Cell(col={c.Column}, ts={c.TimestampMicros}, ttl={c.TtlSeconds}, ldt={(c.LocalDeletionTimeSeconds == Cell.NoDeletion ? "none" : c.LocalDeletionTimeSeconds)}, v={(c.Value is null ? "TOMB" : Convert.ToHexString(c.Value))})";

    public static string Show(Row? r) =>
        r is null ? "null" : $"Row(ck={Convert.ToHexString(r.Clustering)}, {r.Liveness}, {r.Deletion}, [{string.Join(", ", r.Cells.Select(Show))}])";
}

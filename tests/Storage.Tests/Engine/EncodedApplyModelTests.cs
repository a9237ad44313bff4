using CsCheck;
using Microsoft.Extensions.Time.Testing;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Serialization;
using RingStore.Core.Values;
using RingStore.Storage.Engine;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// Model-based (issue 20): the same random mutations (several rows in any clustering order, overwrites, timestamp ties,
/// TTLs on markers and cells, cell, row, range and partition deletions, an indexed column), flushes, reopens (commit-log
/// replay) and time passing go to two engines on disk, one through <see cref="StorageEngine.ApplyAsync(PartitionUpdate, CancellationToken)"/>
/// with the update's objects and one through <see cref="StorageEngine.ApplyEncodedAsync"/> with its encoding (what a
/// replica receives); after every step both hold the same thing: every partition read unfiltered (tombstones, timestamps,
/// TTLs and all) and live, forward and reversed, and every index lookup.
/// </summary>
public class EncodedApplyModelTests
{
    private abstract record Op;
    private sealed record Mutate(int Pk, GenRow[] Rows, int RangeLo, int RangeHi, bool DeletePartition, int TsJitter) : Op;
    private sealed record Flush : Op;
    private sealed record Reopen : Op;
    private sealed record Advance(int Seconds) : Op;

    /// <summary>One row: Kind 0 cells only, 1 with a marker, 2 with a marker that expires, 3 a row deletion.</summary>
    private sealed record GenRow(int Ck, int Kind, GenCell[] Cells, int TsJitter);

    /// <summary>Kind 0 live, 1 expiring, 2 tombstone; the value is one byte (index lookups use it).</summary>
    private sealed record GenCell(int Column, int Kind, int Value);

    private const int Partitions = 4, Values = 3;

    private static readonly Gen<GenCell[]> GenCells = Gen.Select(Gen.Bool, Gen.Bool, Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, Values - 1], Gen.Int[0, Values - 1],
        (has0, has1, k0, k1, v0, v1) => new[] { has0 ? new GenCell(0, k0, v0) : null, has1 ? new GenCell(1, k1, v1) : null }.OfType<GenCell>().ToArray());

    private static readonly Gen<GenRow> GenOneRow = Gen.Select(Gen.Int[0, 7], Gen.Frequency((5, Gen.Const(0)), (3, Gen.Const(1)), (2, Gen.Const(2)), (1, Gen.Const(3))),
        GenCells, Gen.Int[-2, 2], (ck, kind, cells, ts) => new GenRow(ck, kind, kind == 3 ? [] : cells, ts));

    private static readonly Gen<Op> GenOp = Gen.Frequency<Op>(
        (30, Gen.Select(Gen.Int[0, Partitions - 1], GenOneRow.Array[0, 5], Gen.Frequency((6, Gen.Const(-1)), (1, Gen.Int[0, 7])), Gen.Int[0, 7],
            Gen.Frequency((12, Gen.Const(false)), (1, Gen.Const(true))), Gen.Int[-2, 2],
            (pk, rows, lo, hi, partition, ts) => (Op)new Mutate(pk, rows, lo, Math.Max(lo, hi), partition, ts))),
        (4, Gen.Const<Op>(new Flush())),
        (3, Gen.Const<Op>(new Reopen())),
        (3, Gen.Int[1, 4].Select(s => (Op)new Advance(s))));

    private static TableSchema Schema() => new(
        "ks", "t",
        [new ColumnDefinition("id", ColumnType.BigInt)],
        [new ClusteringColumn("ck", ColumnType.Int)],
        [new ColumnDefinition("v", ColumnType.Blob), new ColumnDefinition("w", ColumnType.Blob)],
        new TableOptions { Indexes = [new IndexDefinition("t_v", "v", Guid.Parse("00000000-0000-0000-0000-0000000000c1"))] },
        Guid.Parse("00000000-0000-0000-0000-0000000000c0"));

    [Fact]
    public void Applying_the_encoding_gives_the_same_engine_state_as_applying_the_objects()
    {
        GenOp.Array[5, 40].Sample(Run, iter: 30, threads: 1, print: ops => string.Join("\n", ops.Select(o => o.ToString())));
    }

    private static void Run(Op[] ops)
    {
        var schema = Schema();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var objectsDir = new TempDirectory();
        using var bytesDir = new TempDirectory();
        var objectsOptions = new StorageEngineOptions { DataDirectory = objectsDir.Path, BackgroundCompaction = false };
        var bytesOptions = objectsOptions with { DataDirectory = bytesDir.Path };
        var objects = Open(objectsOptions, schema, time);
        var bytes = Open(bytesOptions, schema, time);
        long step = 0;
        try
        {
            foreach (var op in ops)
            {
                step += 10;
                int now = (int)time.GetUtcNow().ToUnixTimeSeconds();
                switch (op)
                {
                    case Mutate m:
                    {
                        var update = ToUpdate(schema, m, step, now);
                        objects.ApplyAsync(update).AsTask().GetAwaiter().GetResult();
                        var applied = bytes.ApplyEncodedAsync(DataSerializer.Serialize(update)).AsTask().GetAwaiter().GetResult();
                        Assert.Equal("ks.t", applied.Table);
                        Assert.Equal(update.PartitionKey, applied.PartitionKey);
                        break;
                    }
                    case Flush:
                        objects.FlushAsync().GetAwaiter().GetResult();
                        bytes.FlushAsync().GetAwaiter().GetResult();
                        break;
                    case Reopen:
                        objects.DisposeAsync().AsTask().GetAwaiter().GetResult();
                        bytes.DisposeAsync().AsTask().GetAwaiter().GetResult();
                        objects = Open(objectsOptions, schema, time);
                        bytes = Open(bytesOptions, schema, time);
                        break;
                    case Advance a:
                        time.Advance(TimeSpan.FromSeconds(a.Seconds));
                        break;
                }
                AssertSameState(objects, bytes, op);
            }
        }
        finally
        {
            objects.DisposeAsync().AsTask().GetAwaiter().GetResult();
            bytes.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static StorageEngine Open(StorageEngineOptions options, TableSchema schema, TimeProvider time)
    {
        var engine = StorageEngine.Open(options, [schema], time: time);
        engine.IndexBuildsCompleted.GetAwaiter().GetResult();
        return engine;
    }

    private static PartitionUpdate ToUpdate(TableSchema schema, Mutate m, long step, int now)
    {
        // Timestamps jitter around a constant so that writes tie and arrive out of timestamp order.
        long Ts(int jitter) => 1000 + (jitter * 10) + (step % 3);
        var rows = m.Rows.Select(r =>
        {
            long ts = Ts(r.TsJitter);
            var liveness = r.Kind switch { 1 => LivenessInfo.At(ts), 2 => LivenessInfo.Expiring(ts, 3, now), _ => LivenessInfo.None };
            var deletion = r.Kind == 3 ? new DeletionTime(ts, now) : DeletionTime.Live;
            var cells = r.Cells.Select(c => c.Kind switch
            {
                0 => Cell.Live(c.Column, ts, [(byte)c.Value]),
                1 => Cell.Expiring(c.Column, ts, [(byte)c.Value], 2, now),
                _ => Cell.Tombstone(c.Column, ts, now),
            }).ToArray();
            return new Row(Ck(schema, r.Ck), liveness, deletion, cells);
        }).ToArray();
        RangeTombstone[] tombstones = m.RangeLo < 0 ? [] :
            [new RangeTombstone(new ClusteringSlice(new ClusteringBound(Ck(schema, m.RangeLo), true), new ClusteringBound(Ck(schema, m.RangeHi), true)),
                new DeletionTime(Ts(m.TsJitter), now))];
        var partition = m.DeletePartition ? new DeletionTime(Ts(m.TsJitter) - 1, now) : DeletionTime.Live;
        return new PartitionUpdate("ks.t", Pk(m.Pk), partition, tombstones, rows);
    }

    private static byte[] Pk(int pk) => PartitionKeyCodec.Serialize([new ColumnDefinition("id", ColumnType.BigInt)], [(long)pk]);

    private static byte[] Ck(TableSchema schema, int ck) => ClusteringKeyCodec.Encode(schema.Clustering, [ck]);

    private static void AssertSameState(StorageEngine objects, StorageEngine bytes, Op after)
    {
        for (int pk = 0; pk < Partitions; pk++)
        {
            foreach (bool reversed in new[] { false, true })
            {
                var query = SliceQuery.WholePartition("ks.t", Pk(pk)) with { Reversed = reversed };
                Assert.True(Render(objects.ReadUnfiltered(query)) == Render(bytes.ReadUnfiltered(query)),
                    $"after {after}: pk {pk} unfiltered (reversed {reversed})\n objects {Render(objects.ReadUnfiltered(query))}\n bytes   {Render(bytes.ReadUnfiltered(query))}");
                Assert.Equal(Render(objects.Read(query).Rows), Render(bytes.Read(query).Rows));
            }
        }
        for (int v = 0; v < Values; v++)
        {
            var start = RangePosition.AfterToken(Token.Minimum);
            string Hits(StorageEngine e) => string.Join(" ", e.LookupIndex("ks.t", "t_v", [(byte)v], start, Token.Maximum, 1000).Hits
                .Select(h => $"{Convert.ToHexString(h.PartitionKey)}/{Convert.ToHexString(h.Clustering)}"));
            Assert.True(Hits(objects) == Hits(bytes), $"after {after}: index value {v}\n objects {Hits(objects)}\n bytes   {Hits(bytes)}");
        }
    }

    private static string Render(MergedPartitionData? data) => data is null ? "(none)" :
        $"pd {data.PartitionDeletion} rts [{string.Join(", ", data.RangeTombstones.Select(rt => $"{Bound(rt.Slice.Start)}..{Bound(rt.Slice.End)} {rt.Deletion}"))}] rows {Render(data.Rows)}";

    private static string Bound(ClusteringBound b) => $"{Convert.ToHexString(b.Prefix)}{(b.Inclusive ? "]" : ")")}";

    private static string Render(IEnumerable<Row> rows) => string.Join(" | ", rows.Select(r =>
        $"{Convert.ToHexString(r.Clustering)} {r.Liveness} {r.Deletion} " +
        string.Join(",", r.Cells.Select(c => $"{c.Column}@{c.TimestampMicros}/{c.TtlSeconds}/{c.LocalDeletionTimeSeconds}={(c.Value is null ? "x" : Convert.ToHexString(c.Value))}"))));
}

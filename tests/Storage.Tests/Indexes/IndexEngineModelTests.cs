using CsCheck;
using Microsoft.Extensions.Time.Testing;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Storage.Engine;
using RingStore.Storage.Indexes;
using RingStore.Storage.Tests.Engine;

namespace RingStore.Storage.Tests.Indexes;

/// <summary>
/// Model-based: random writes of the indexed and another column (with TTLs and timestamp ties), cell, row, range and
/// partition deletions, flushes, compactions, reopen (commit-log replay into the index) and time passing are applied to
/// an engine with an index on column v and to <see cref="ReferenceModel"/>; after every step a lookup of every value over
/// the whole ring (in one go and page by page) returns exactly the live rows the model has with that value.
/// </summary>
public class IndexEngineModelTests
{
    private abstract record Op;
    private sealed record Write(int Pk, int Ck, int Col, int Value, int TsJitter, int Ttl, bool Marker) : Op;
    private sealed record DeleteCell(int Pk, int Ck, int Col, int TsJitter) : Op;
    private sealed record DeleteRow(int Pk, int Ck, int TsJitter) : Op;
    private sealed record DeleteRange(int Pk, int Lo, int Hi, int TsJitter) : Op;
    private sealed record DeletePartition(int Pk, int TsJitter) : Op;
    private sealed record Flush : Op;
    private sealed record Compact : Op;
    private sealed record Reopen : Op;
    private sealed record Advance(int Seconds) : Op;

    private const int Partitions = 5;
    private const int Values = 3;

    private static readonly Gen<Op> GenOp = Gen.Frequency<Op>(
        (40, Gen.Select(Gen.Int[0, Partitions - 1], Gen.Int[0, 5], Gen.Frequency((3, Gen.Const(0)), (1, Gen.Const(1))), Gen.Int[0, Values - 1], Gen.Int[-3, 3],
            Gen.OneOf(Gen.Const(0), Gen.Const(0), Gen.Int[1, 5]), Gen.Bool,
            (pk, ck, col, v, ts, ttl, marker) => (Op)new Write(pk, ck, col, v, ts, ttl, marker))),
        (5, Gen.Select(Gen.Int[0, Partitions - 1], Gen.Int[0, 5], Gen.Int[0, 1], Gen.Int[-3, 3], (pk, ck, col, ts) => (Op)new DeleteCell(pk, ck, col, ts))),
        (5, Gen.Select(Gen.Int[0, Partitions - 1], Gen.Int[0, 5], Gen.Int[-3, 3], (pk, ck, ts) => (Op)new DeleteRow(pk, ck, ts))),
        (3, Gen.Select(Gen.Int[0, Partitions - 1], Gen.Int[0, 5], Gen.Int[0, 5], Gen.Int[-3, 3], (pk, lo, hi, ts) => (Op)new DeleteRange(pk, Math.Min(lo, hi), Math.Max(lo, hi), ts))),
        (2, Gen.Select(Gen.Int[0, Partitions - 1], Gen.Int[-3, 3], (pk, ts) => (Op)new DeletePartition(pk, ts))),
        (5, Gen.Const<Op>(new Flush())),
        (3, Gen.Const<Op>(new Compact())),
        (3, Gen.Const<Op>(new Reopen())),
        (4, Gen.Int[1, 4].Select(s => (Op)new Advance(s))));

    internal static TableSchema Schema() => new(
        "ks", "t",
        [new ColumnDefinition("id", ColumnType.BigInt)],
        [new ClusteringColumn("ck", ColumnType.Int)],
        [new ColumnDefinition("v", ColumnType.Blob), new ColumnDefinition("w", ColumnType.Blob)],
        new TableOptions
        {
            CompactionMinThreshold = 2,
            CompactionMaxThreshold = 2,
            Indexes = [new IndexDefinition("t_v", "v", Guid.Parse("00000000-0000-0000-0000-0000000000b1"))],
        },
        Guid.Parse("00000000-0000-0000-0000-0000000000b0"));

    [Fact]
    public void Index_lookups_match_the_model()
    {
        GenOp.Array[5, 40].Sample(Run, iter: 40, threads: 1, print: ops => string.Join("\n", ops.Select(o => o.ToString())));
    }

    private static void Run(Op[] ops)
    {
        var schema = Schema();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var dir = new TempDirectory();
        var options = new StorageEngineOptions { DataDirectory = dir.Path, BackgroundCompaction = false };
        var engine = StorageEngine.Open(options, [schema], time: time);
        var model = new ReferenceModel();
        long step = 0;
        try
        {
            engine.IndexBuildsCompleted.GetAwaiter().GetResult();
            foreach (var op in ops)
            {
                step += 10;
                long Ts(int jitter) => 1000 + jitter * 10 + step % 3;
                int now = (int)time.GetUtcNow().ToUnixTimeSeconds();
                switch (op)
                {
                    case Write w:
                    {
                        byte[] value = [(byte)w.Value];
                        var cell = w.Ttl > 0 ? Cell.Expiring(w.Col, Ts(w.TsJitter), value, w.Ttl, now) : Cell.Live(w.Col, Ts(w.TsJitter), value);
                        var marker = w.Marker ? LivenessInfo.At(Ts(w.TsJitter)) : LivenessInfo.None;
                        Apply(engine, model, w.Pk, PartitionUpdate.OfRows("ks.t", Pk(w.Pk), new Row(Ck(w.Ck), marker, DeletionTime.Live, [cell])));
                        break;
                    }
                    case DeleteCell d:
                        Apply(engine, model, d.Pk, PartitionUpdate.OfRows("ks.t", Pk(d.Pk),
                            new Row(Ck(d.Ck), LivenessInfo.None, DeletionTime.Live, [Cell.Tombstone(d.Col, Ts(d.TsJitter), now)])));
                        break;
                    case DeleteRow d:
                        Apply(engine, model, d.Pk, PartitionUpdate.OfRows("ks.t", Pk(d.Pk), new Row(Ck(d.Ck), LivenessInfo.None, new DeletionTime(Ts(d.TsJitter), now), [])));
                        break;
                    case DeleteRange d:
                        Apply(engine, model, d.Pk, PartitionUpdate.DeleteRange("ks.t", Pk(d.Pk), new RangeTombstone(
                            new ClusteringSlice(new ClusteringBound(Ck(d.Lo), true), new ClusteringBound(Ck(d.Hi), true)), new DeletionTime(Ts(d.TsJitter), now))));
                        break;
                    case DeletePartition d:
                        Apply(engine, model, d.Pk, PartitionUpdate.DeletePartition("ks.t", Pk(d.Pk), new DeletionTime(Ts(d.TsJitter), now)));
                        break;
                    case Flush:
                        engine.FlushAsync().GetAwaiter().GetResult();
                        break;
                    case Compact:
                        engine.CompactAsync().GetAwaiter().GetResult();
                        break;
                    case Reopen:
                        engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
                        engine = StorageEngine.Open(options, [schema], time: time);
                        engine.IndexBuildsCompleted.GetAwaiter().GetResult();
                        break;
                    case Advance a:
                        time.Advance(TimeSpan.FromSeconds(a.Seconds));
                        break;
                }
                Check(engine, model, (int)time.GetUtcNow().ToUnixTimeSeconds(), op);
            }
        }
        finally
        {
            engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static void Apply(StorageEngine engine, ReferenceModel model, int pk, PartitionUpdate u)
    {
        engine.ApplyAsync(u).AsTask().GetAwaiter().GetResult();
        model.Apply(pk, u);
    }

    internal static byte[] Pk(int pk) => PartitionKeyCodec.Serialize([new ColumnDefinition("id", ColumnType.BigInt)], [(long)pk]);

    internal static byte[] Ck(int ck) => ClusteringKeyCodec.Encode(Schema().Clustering, [ck]);

    private static void Check(StorageEngine engine, ReferenceModel model, int now, Op after)
    {
        for (int v = 0; v < Values; v++)
        {
            var expected = new List<string>();
            for (int pk = 0; pk < Partitions; pk++)
                foreach (var row in model.Read(pk, now))
                    if (row.Cells.TryGetValue(0, out var value) && value.AsSpan().SequenceEqual([(byte)v]))
                        expected.Add(Key(Pk(pk), row.Clustering));
            expected.Sort(StringComparer.Ordinal);

            var whole = engine.LookupIndex("ks.t", "t_v", [(byte)v], RangePosition.AfterToken(Token.Minimum), Token.Maximum, 1000);
            Assert.Null(whole.Resume);
            var got = whole.Hits.Select(h => Key(h.PartitionKey, h.Clustering)).Order(StringComparer.Ordinal).ToList();
            Assert.True(expected.SequenceEqual(got), $"after {after}: value {v}\n want {string.Join(" ", expected)}\n got  {string.Join(" ", got)}");
            Assert.Equal(whole.Hits.Select(h => (h.Token, Key(h.PartitionKey, h.Clustering))).Order(), whole.Hits.Select(h => (h.Token, Key(h.PartitionKey, h.Clustering))));

            // Page by page (two entries a page, stale ones counting): the same hits in the same order.
            var paged = new List<IndexHit>();
            var position = RangePosition.AfterToken(Token.Minimum);
            for (int pages = 0; pages < 100; pages++)
            {
                var page = engine.LookupIndex("ks.t", "t_v", [(byte)v], position, Token.Maximum, 2);
                paged.AddRange(page.Hits);
                if (page.Resume is null) break;
                position = page.Resume;
            }
            Assert.Equal(whole.Hits.Select(h => Key(h.PartitionKey, h.Clustering)), paged.Select(h => Key(h.PartitionKey, h.Clustering)));
        }
    }

    private static string Key(byte[] pk, byte[] ck) => Convert.ToHexString(pk) + "/" + Convert.ToHexString(ck);
}

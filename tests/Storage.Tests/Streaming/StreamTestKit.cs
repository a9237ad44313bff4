using CsCheck;
using Microsoft.Extensions.Time.Testing;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Storage.Engine;

namespace RingStore.Storage.Tests.Streaming;

/// <summary>
/// Random mutations (rows, TTLs, cell/row/range/partition deletions, flushes between them) for the streaming and
/// cleanup tests, and an exact rendering of <see cref="MergedPartitionData"/> (every timestamp, local deletion time
/// and TTL) to compare what two engines return.
/// </summary>
internal static class StreamTestKit
{
    public const string Table = "ks.t";
    public static readonly Guid TableId = Guid.Parse("00000000-0000-0000-0000-0000000000c1");

    public static TableSchema Schema(int gcGrace = 864000) => new(
        "ks", "t",
        [new ColumnDefinition("id", ColumnType.BigInt)],
        [new ClusteringColumn("ck", ColumnType.Int, ClusteringOrder.Asc)],
        [new ColumnDefinition("v", ColumnType.Blob), new ColumnDefinition("w", ColumnType.Blob)],
        new TableOptions { GcGraceSeconds = gcGrace },
        TableId);

    public static byte[] Pk(int pk) => PartitionKeyCodec.Serialize([new ColumnDefinition("id", ColumnType.BigInt)], [(long)pk]);

    public static Token TokenOf(int pk) => Murmur3Partitioner.GetToken(Pk(pk));

    public static byte[] Ck(int ck) => ClusteringKeyCodec.Encode(Schema().Clustering, [ck]);

    public static string TableDirectory(string dataDir) => Path.Combine(dataDir, "data", "ks", $"t-{TableId:N}");

    /// <summary>Generations of the complete SSTables in the table's directory.</summary>
    public static SortedSet<long> Generations(string dataDir) =>
        new(Directory.GetFiles(TableDirectory(dataDir), "rs-*-TOC.txt")
            .Select(f => long.Parse(Path.GetFileName(f).Split('-')[1], System.Globalization.CultureInfo.InvariantCulture)));

    public static FakeTimeProvider Clock() => new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    public static StorageEngine Open(string dir, TimeProvider time, bool background = false, RingStore.Storage.IO.IStorageFileSystem? fs = null) =>
        StorageEngine.Open(new StorageEngineOptions { DataDirectory = dir, BackgroundCompaction = background }, [Schema()], time: time, fileSystem: fs);

    public abstract record Op;
    public sealed record Write(int Pk, int Ck, int Col, byte[] Value, long Ts, int Ttl, bool Marker) : Op;
    public sealed record DeleteCell(int Pk, int Ck, int Col, long Ts) : Op;
    public sealed record DeleteRow(int Pk, int Ck, long Ts) : Op;
    public sealed record DeleteRange(int Pk, int Lo, int Hi, long Ts) : Op;
    public sealed record DeletePartition(int Pk, long Ts) : Op;
    public sealed record Flush : Op;

    /// <summary>Operations on partitions 0..<paramref name="partitions"/>-1, timestamps 1000..1090 so ties and reordering happen.</summary>
    public static Gen<Op> GenOp(int partitions) => Gen.Frequency<Op>(
        (40, Gen.Select(Gen.Int[0, partitions - 1], Gen.Int[0, 9], Gen.Int[0, 1], Gen.Byte.Array[0, 40], Gen.Long[100, 109],
            Gen.OneOf(Gen.Const(0), Gen.Const(0), Gen.Int[1, 30]), Gen.Bool,
            (pk, ck, col, v, ts, ttl, marker) => (Op)new Write(pk, ck, col, v, ts * 10, ttl, marker))),
        (6, Gen.Select(Gen.Int[0, partitions - 1], Gen.Int[0, 9], Gen.Int[0, 1], Gen.Long[100, 109], (pk, ck, col, ts) => (Op)new DeleteCell(pk, ck, col, ts * 10))),
        (5, Gen.Select(Gen.Int[0, partitions - 1], Gen.Int[0, 9], Gen.Long[100, 109], (pk, ck, ts) => (Op)new DeleteRow(pk, ck, ts * 10))),
        (4, Gen.Select(Gen.Int[0, partitions - 1], Gen.Int[-1, 9], Gen.Int[0, 10], Gen.Long[100, 109], (pk, lo, hi, ts) => (Op)new DeleteRange(pk, lo, hi, ts * 10))),
        (2, Gen.Select(Gen.Int[0, partitions - 1], Gen.Long[100, 109], (pk, ts) => (Op)new DeletePartition(pk, ts * 10))),
        (3, Gen.Const<Op>(new Flush())));

    public static async Task ApplyAsync(StorageEngine engine, IEnumerable<Op> ops, TimeProvider time)
    {
        int now = (int)time.GetUtcNow().ToUnixTimeSeconds();
        foreach (var op in ops)
        {
            PartitionUpdate? u = op switch
            {
                Write w => PartitionUpdate.OfRows(Table, Pk(w.Pk), new Row(Ck(w.Ck),
                    w.Marker ? (w.Ttl > 0 ? LivenessInfo.Expiring(w.Ts, w.Ttl, now) : LivenessInfo.At(w.Ts)) : LivenessInfo.None,
                    DeletionTime.Live,
                    [w.Ttl > 0 ? Cell.Expiring(w.Col, w.Ts, w.Value, w.Ttl, now) : Cell.Live(w.Col, w.Ts, w.Value)])),
                DeleteCell d => PartitionUpdate.OfRows(Table, Pk(d.Pk), new Row(Ck(d.Ck), LivenessInfo.None, DeletionTime.Live, [Cell.Tombstone(d.Col, d.Ts, now)])),
                DeleteRow d => PartitionUpdate.OfRows(Table, Pk(d.Pk), new Row(Ck(d.Ck), LivenessInfo.None, new DeletionTime(d.Ts, now), [])),
                DeleteRange d => PartitionUpdate.DeleteRange(Table, Pk(d.Pk), new RangeTombstone(new ClusteringSlice(
                    d.Lo < 0 ? ClusteringBound.Unbounded : new ClusteringBound(Ck(d.Lo), true),
                    d.Hi > 9 ? ClusteringBound.Unbounded : new ClusteringBound(Ck(d.Hi), false)), new DeletionTime(d.Ts, now))),
                DeletePartition d => PartitionUpdate.DeletePartition(Table, Pk(d.Pk), new DeletionTime(d.Ts, now)),
                _ => null,
            };
            if (u is not null) await engine.ApplyAsync(u);
            else await engine.FlushAsync(Table);
        }
    }

    private static string Hex(byte[] b) => Convert.ToHexString(b);

    private static string Bound(ClusteringBound b) => $"{(b.Inclusive ? "[" : "(")}{Hex(b.Prefix)}";

    public static string Render(Row r) =>
        $"{Hex(r.Clustering)} {r.Liveness} {r.Deletion} {{{string.Join(",", r.Cells.Select(c => $"{c.Column}:{c.TimestampMicros}:{c.TtlSeconds}:{c.LocalDeletionTimeSeconds}:{(c.Value is null ? "tomb" : Hex(c.Value))}"))}}}";

    /// <summary>Range tombstones sorted: the merge lists them in the order its sources happen to come out of a priority queue.</summary>
    public static string Render(MergedPartitionData p) =>
        $"{Hex(p.Key)}@{p.Token.Value} pd={p.PartitionDeletion} rts=[{string.Join(";", p.RangeTombstones.Select(rt => $"{Bound(rt.Slice.Start)}..{Bound(rt.Slice.End)} {rt.Deletion}").Order(StringComparer.Ordinal))}] " +
        $"rows=[{string.Join(" ; ", p.Rows.Select(Render))}]";

    public static string Render(IEnumerable<MergedPartitionData> ps) => string.Join("\n", ps.Select(Render));

    /// <summary>The whole ring: (Min, Min] wraps to (Min, Max].</summary>
    public static IReadOnlyList<MergedPartitionData> ReadAll(StorageEngine engine) => engine.ReadTokenRange(Table, Token.Minimum, Token.Minimum);

    /// <summary>Every partition's visible rows, as a client reads them.</summary>
    public static string RenderVisible(StorageEngine engine, int partitions) =>
        string.Join("\n", Enumerable.Range(0, partitions).Select(pk =>
            $"{pk}: " + string.Join(" ; ", engine.Read(SliceQuery.WholePartition(Table, Pk(pk))).Rows.Select(Render))));

    /// <summary>
    /// All pages of (start, end], following each page's resume position; a wrapping range is paged as (start, Max] then
    /// (Min, end]. Asserts that every page but the last of each part is non-empty and that the position advances.
    /// </summary>
    public static List<TokenRangePage> PageThrough(StorageEngine engine, Token start, Token end, long maxBytes, int maxRows = int.MaxValue)
    {
        var pages = new List<TokenRangePage>();
        var parts = start < end ? new[] { (start, end) } : new[] { (start, Token.Maximum), (Token.Minimum, end) };
        foreach (var (s, e) in parts)
        {
            if (s >= e) continue;
            RangePosition? from = RangePosition.AfterToken(s);
            while (from is not null)
            {
                var page = engine.ReadTokenRangePage(Table, from, e, maxRows, maxBytes);
                pages.Add(page);
                Assert.True(pages.Count < 100_000, "paging does not terminate");
                if (page.Resume is not null) Assert.NotEmpty(page.Partitions);
                from = page.Resume;
            }
        }
        return pages;
    }

    /// <summary>The pages' partitions with the fragments of a partition split across pages joined again.</summary>
    public static List<MergedPartitionData> Joined(IEnumerable<TokenRangePage> pages)
    {
        var all = new List<MergedPartitionData>();
        foreach (var p in pages.SelectMany(p => p.Partitions))
        {
            if (all.Count > 0 && all[^1].Key.AsSpan().SequenceEqual(p.Key)) all[^1] = PartitionFragments.Join(all[^1], p);
            else all.Add(p);
        }
        return all;
    }
}

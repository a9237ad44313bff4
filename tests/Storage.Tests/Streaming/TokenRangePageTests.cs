using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Serialization;
using RingStore.Storage.Engine;
using RingStore.Storage.Reads;
using static RingStore.Storage.Tests.Streaming.StreamTestKit;

namespace RingStore.Storage.Tests.Streaming;

/// <summary>
/// <see cref="StorageEngine.ReadTokenRangePage"/>, the bounded range page: on random tables mixing narrow and wide
/// partitions (memtables and SSTables, tombstones, TTLs), pages of random ranges with random row and byte limits,
/// followed through their resume positions and with split partitions joined again, are exactly
/// <see cref="StorageEngine.ReadTokenRange"/>; no page holds more rows than its limit, nor more bytes unless it holds a
/// single row; a wide partition is split across pages and read only as far as a page goes.
/// </summary>
public class TokenRangePageTests
{
    private const int Partitions = 40;

    private static readonly Gen<Token> GenToken = Gen.OneOf(
        Gen.Long.Select(v => new Token(v)),
        Gen.Int[0, Partitions - 1].Select(TokenOf), // exactly on a partition: the exclusive/inclusive edges
        Gen.OneOf(Gen.Const(Token.Minimum), Gen.Const(Token.Maximum)));

    /// <summary>A wide partition: rows 10..10+count of one partition in one write (narrow ones use clustering 0..9).</summary>
    private sealed record Wide(int Pk, int Count, int ValueBytes, long Ts);

    private static async Task ApplyWideAsync(StorageEngine engine, Wide w)
    {
        var rows = Enumerable.Range(10, w.Count)
            .Select(ck => new Row(Ck(ck), LivenessInfo.At(w.Ts), DeletionTime.Live, [Cell.Live(0, w.Ts, new byte[w.ValueBytes])]))
            .ToArray();
        await engine.ApplyAsync(PartitionUpdate.OfRows(Table, Pk(w.Pk), rows));
    }

    [Fact]
    public void Pages_with_random_row_and_byte_limits_join_to_the_full_scan_and_respect_both_limits()
    {
        var genWide = Gen.Select(Gen.Int[0, Partitions - 1], Gen.Int[1, 400], Gen.Int[0, 300], Gen.Long[100, 109],
            (pk, n, size, ts) => new Wide(pk, n, size, ts * 10)).Array[0, 3];
        var genQuery = Gen.Select(GenToken, GenToken, Gen.Int[1, 60], Gen.OneOf(Gen.Long[1, 400], Gen.Long[400, 20_000]));
        Gen.Select(GenOp(Partitions).Array[20, 250], genWide, Gen.Bool, genQuery.Array[1, 6])
            .Sample((ops, wides, flushWides, queries) =>
            {
                var time = Clock();
                using var dir = new TempDirectory();
                var engine = Open(dir.Path, time);
                try
                {
                    foreach (var w in wides) ApplyWideAsync(engine, w).GetAwaiter().GetResult();
                    if (flushWides) engine.FlushAsync(Table).GetAwaiter().GetResult();
                    ApplyAsync(engine, ops, time).GetAwaiter().GetResult();
                    foreach (var (start, end, maxRows, maxBytes) in queries)
                    {
                        var expected = engine.ReadTokenRange(Table, start, end);
                        var pages = PageThrough(engine, start, end, maxBytes, maxRows);
                        Assert.Equal(Render(expected), Render(Joined(pages)));
                        foreach (var page in pages)
                        {
                            Assert.Equal(page.Partitions.Sum(EncodedSize), page.ApproximateBytes);
                            Assert.Equal(page.Partitions.Sum(p => Math.Max(1, p.Rows.Count)), page.Rows);
                            Assert.True(page.Rows <= maxRows, $"{page.Rows} rows over the limit {maxRows}");
                            Assert.True(page.ApproximateBytes <= maxBytes || page.Rows == 1,
                                $"{page.ApproximateBytes} bytes over the limit {maxBytes} with {page.Rows} rows");
                            // In (token, key) order; a page that ends inside a partition names its last row.
                            Assert.True(page.Partitions.Zip(page.Partitions.Skip(1)).All(x => x.First.Token < x.Second.Token
                                || (x.First.Token == x.Second.Token && x.First.Key.AsSpan().SequenceCompareTo(x.Second.Key) < 0)));
                            if (page.Resume is { Clustering: { } last })
                                Assert.Equal(last, page.Partitions[^1].Rows[^1].Clustering);
                        }
                    }
                }
                finally
                {
                    engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }, iter: 40, threads: 1);
    }

    [Fact]
    public async Task A_page_of_ten_rows_over_a_wide_partition_reads_about_ten_rows_and_resumes_inside_it()
    {
        var time = Clock();
        using var dir = new TempDirectory();
        await using var engine = Open(dir.Path, time);
        await ApplyWideAsync(engine, new Wide(1, 20_000, 50, 1000));
        await engine.FlushAsync(Table);
        await ApplyWideAsync(engine, new Wide(2, 5, 50, 1000)); // a narrow one in the memtable
        long before = RowsRead(engine);
        var page = engine.ReadTokenRangePage(Table, RangePosition.AfterToken(Token.Minimum), Token.Maximum, 10, 1 << 20);
        Assert.Equal(10, page.Rows);
        Assert.True(RowsRead(engine) - before <= 11, $"read {RowsRead(engine) - before} rows for a page of 10");
        var resume = Assert.IsType<RangePosition>(page.Resume);
        Assert.NotNull(resume.Clustering);

        // The next page starts right after the 10th row and again reads about ten.
        before = RowsRead(engine);
        var next = engine.ReadTokenRangePage(Table, resume, Token.Maximum, 10, 1 << 20);
        Assert.True(RowsRead(engine) - before <= 11);
        Assert.Equal(page.Partitions[^1].Key, next.Partitions[0].Key);
        Assert.True(next.Partitions[0].Rows[0].Clustering.AsSpan().SequenceCompareTo(resume.Clustering) > 0);

        // A byte limit cuts the same way: ~64 KiB pages of 50-byte values.
        var pages = PageThrough(engine, Token.Minimum, Token.Maximum, 64 << 10);
        Assert.True(pages.Count > 10);
        Assert.All(pages, p => Assert.True(p.ApproximateBytes <= 64 << 10));
        Assert.Equal(20_005, Joined(pages).Sum(p => p.Rows.Count));
    }

    [Fact]
    public async Task A_row_larger_than_the_byte_limit_makes_a_page_of_its_own_and_paging_progresses()
    {
        var time = Clock();
        using var dir = new TempDirectory();
        await using var engine = Open(dir.Path, time);
        await ApplyWideAsync(engine, new Wide(1, 5, 10_000, 1000));
        await ApplyWideAsync(engine, new Wide(2, 3, 10, 1000));
        var pages = PageThrough(engine, Token.Minimum, Token.Maximum, 1_000);
        Assert.Equal(8, Joined(pages).Sum(p => p.Rows.Count));
        Assert.All(pages.Where(p => p.ApproximateBytes > 1_000), p => Assert.Equal(1, p.Rows));
    }

    [Fact]
    public async Task A_page_carries_tombstones_and_ttls_exactly()
    {
        var time = Clock();
        using var dir = new TempDirectory();
        await using var engine = Open(dir.Path, time);
        int now = (int)time.GetUtcNow().ToUnixTimeSeconds();
        var rt = new RangeTombstone(new ClusteringSlice(new ClusteringBound(Ck(2), true), new ClusteringBound(Ck(4), false)), new DeletionTime(500, now - 7));
        await engine.ApplyAsync(PartitionUpdate.DeleteRange(Table, Pk(1), rt));
        await engine.ApplyAsync(PartitionUpdate.DeletePartition(Table, Pk(2), new DeletionTime(400, now - 3)));
        await engine.ApplyAsync(PartitionUpdate.OfRows(Table, Pk(1),
            new Row(Ck(7), LivenessInfo.Expiring(900, 60, now), DeletionTime.Live, [Cell.Expiring(0, 900, [1, 2], 60, now), Cell.Tombstone(1, 901, now - 1)]),
            new Row(Ck(8), LivenessInfo.None, new DeletionTime(902, now - 2), [])));
        await engine.FlushAsync(Table);
        await engine.ApplyAsync(PartitionUpdate.OfRows(Table, Pk(3), new Row(Ck(1), LivenessInfo.None, DeletionTime.Live, [Cell.Expiring(1, 950, [9], 5, now)])));

        var all = Joined(PageThrough(engine, Token.Minimum, Token.Maximum, 1)).ToDictionary(p => p.Token);
        Assert.Equal(3, all.Count);
        var p1 = all[TokenOf(1)];
        Assert.Equal([rt], p1.RangeTombstones);
        Assert.Equal(new Cell(0, 900, 60, now + 60, [1, 2]), p1.Rows[0].Cells[0]);
        Assert.Equal(Cell.Tombstone(1, 901, now - 1), p1.Rows[0].Cells[1]);
        Assert.Equal(LivenessInfo.Expiring(900, 60, now), p1.Rows[0].Liveness);
        Assert.Equal(new DeletionTime(902, now - 2), p1.Rows[1].Deletion);
        Assert.Equal(new DeletionTime(400, now - 3), all[TokenOf(2)].PartitionDeletion);
        Assert.Empty(all[TokenOf(2)].Rows);
        Assert.Equal(new Cell(1, 950, 5, now + 5, [9]), all[TokenOf(3)].Rows[0].Cells[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.ReadTokenRangePage(Table, RangePosition.AfterToken(Token.Minimum), Token.Maximum, 1, 0));
    }

    [Fact]
    public void Partitions_sharing_a_token_resume_by_key()
    {
        // Murmur3 collisions cannot be made on purpose, so the pager is fed made-up partitions: tokens 1, 2, 2, 2, 3.
        MergedPartition P(long token, byte key) => new([key], new Token(token), DeletionTime.Live, [],
            [new Row(Ck(0), LivenessInfo.At(1), DeletionTime.Live, [Cell.Live(0, 1, new byte[100])])]);
        var scan = new[] { P(1, 1), P(2, 2), P(2, 3), P(2, 4), P(3, 5) };

        var pages = new List<TokenRangePage>();
        RangePosition? after = RangePosition.AfterToken(Token.Minimum);
        while (after is not null)
        {
            var pager = new BoundedRangePager(maxRows: 2, maxBytes: long.MaxValue);
            foreach (var p in scan.Where(p => after.ComparePartition(p.Token, p.Key) > 0))
                if (!pager.TryAdd(p)) break;
            var page = pager.Finish();
            pages.Add(page);
            after = page.Resume;
        }
        Assert.Equal([2, 2, 1], pages.Select(p => p.Partitions.Count));
        Assert.Equal(new byte[] { 2 }, pages[0].Resume!.Key);
        Assert.Equal(new Token(2), pages[0].Resume!.Token);
        Assert.Null(pages[0].Resume!.Clustering);
        Assert.Equal([1, 2, 3, 4, 5], pages.SelectMany(p => p.Partitions).Select(p => (int)p.Key[0]));
    }

    private static long RowsRead(StorageEngine engine) => engine.MetricsOf(Table).RangeRowsRead;

    /// <summary>The pager's measure: key, partition deletion, range tombstones and encoded rows.</summary>
    private static long EncodedSize(MergedPartitionData p)
    {
        var w = new BinaryWriterBuffer(256);
        w.WriteBlob(p.Key);
        DataSerializer.WriteDeletion(w, p.PartitionDeletion);
        w.WriteVarUInt((ulong)p.RangeTombstones.Count);
        foreach (var rt in p.RangeTombstones) DataSerializer.WriteRangeTombstone(w, rt);
        long size = w.Length;
        foreach (var row in p.Rows)
        {
            w.Clear();
            DataSerializer.WriteRow(w, row);
            size += w.Length;
        }
        return size;
    }
}

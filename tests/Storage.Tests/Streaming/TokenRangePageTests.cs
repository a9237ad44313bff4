using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Serialization;
using RingStore.Storage.Engine;
using RingStore.Storage.Reads;
using static RingStore.Storage.Tests.Streaming.StreamTestKit;

namespace RingStore.Storage.Tests.Streaming;

/// <summary>
/// <see cref="StorageEngine.ReadTokenRangePage"/>: pages of any range (wrapping ones too), followed through
/// ResumeAfter, concatenate to exactly <see cref="StorageEngine.ReadTokenRange"/>; every page stays within its budget
/// but for its last partition; partitions sharing a token are never split across pages.
/// </summary>
public class TokenRangePageTests
{
    private const int Partitions = 60;

    private static readonly Gen<Token> GenToken = Gen.OneOf(
        Gen.Long.Select(v => new Token(v)),
        Gen.Int[0, Partitions - 1].Select(TokenOf), // exactly on a partition: the exclusive/inclusive edges
        Gen.OneOf(Gen.Const(Token.Minimum), Gen.Const(Token.Maximum)));

    [Fact]
    public void Pages_of_random_ranges_concatenate_to_ReadTokenRange_and_respect_the_budget()
    {
        Gen.Select(GenOp(Partitions).Array[20, 300], Gen.Select(GenToken, GenToken, Gen.Long[1, 3000]).Array[1, 8])
            .Sample((ops, queries) =>
            {
                var time = Clock();
                using var dir = new TempDirectory();
                var engine = Open(dir.Path, time);
                try
                {
                    ApplyAsync(engine, ops, time).GetAwaiter().GetResult();
                    foreach (var (start, end, maxBytes) in queries)
                    {
                        var expected = engine.ReadTokenRange(Table, start, end);
                        var pages = PageThrough(engine, start, end, maxBytes);
                        Assert.Equal(Render(expected), Render(pages.SelectMany(p => p.Partitions)));
                        foreach (var page in pages)
                        {
                            Assert.Equal(page.Partitions.Sum(EncodedSize), page.ApproximateBytes);
                            // Under budget before the last partition; a page that is not the last one is full.
                            Assert.True(page.ApproximateBytes - (page.Partitions.Count == 0 ? 0 : EncodedSize(page.Partitions[^1])) < maxBytes);
                            // Sorted (a page of a wrapping range stops at the wrap, with ResumeAfter = Max).
                            Assert.True(page.Partitions.Zip(page.Partitions.Skip(1)).All(x => x.First.Token < x.Second.Token));
                            if (page.ResumeAfter is not null && page.ResumeAfter != Token.Maximum)
                            {
                                Assert.True(page.ApproximateBytes >= maxBytes);
                                Assert.Equal(page.Partitions[^1].Token, page.ResumeAfter);
                            }
                        }
                        Assert.All(pages.SkipLast(1), p => Assert.NotEmpty(p.Partitions));
                    }
                }
                finally
                {
                    engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }, iter: 25, threads: 1);
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

        var all = PageThrough(engine, Token.Minimum, Token.Maximum, 1).SelectMany(p => p.Partitions).ToDictionary(p => p.Token);
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
    }

    [Fact]
    public async Task A_tiny_budget_gives_one_partition_a_page_and_a_wrapping_range_resumes_across_the_wrap()
    {
        var time = Clock();
        using var dir = new TempDirectory();
        await using var engine = Open(dir.Path, time);
        for (int pk = 0; pk < 20; pk++)
            await engine.ApplyAsync(PartitionUpdate.OfRows(Table, Pk(pk), new Row(Ck(0), LivenessInfo.At(1), DeletionTime.Live, [Cell.Live(0, 1, [1])])));
        var tokens = Enumerable.Range(0, 20).Select(TokenOf).Order().ToArray();
        // Wraps: from the 15th token to the 5th, i.e. 5 tokens above the start and 5 up to the end.
        var pages = PageThrough(engine, tokens[14], tokens[4], 1);
        Assert.Equal(10, pages.Count);
        Assert.All(pages, p => Assert.Single(p.Partitions));
        Assert.Equal(Token.Maximum, pages[4].ResumeAfter);
        // A larger budget still stops at the wrap.
        var big = PageThrough(engine, tokens[14], tokens[4], long.MaxValue);
        Assert.Equal([5, 5], big.Select(p => p.Partitions.Count));
        Assert.Equal([.. tokens[15..], .. tokens[..5]], pages.SelectMany(p => p.Partitions).Select(p => p.Token));
        Assert.Null(pages[^1].ResumeAfter);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.ReadTokenRangePage(Table, Token.Minimum, Token.Maximum, 0));
    }

    [Fact]
    public void Partitions_sharing_a_token_are_never_split_across_pages()
    {
        // Murmur3 collisions cannot be made on purpose, so the pager is fed made-up partitions: tokens 1, 2, 2, 2, 3.
        MergedPartition P(long token, byte key) => new([key], new Token(token), DeletionTime.Live, [],
            [new Row(Ck(0), LivenessInfo.At(1), DeletionTime.Live, [Cell.Live(0, 1, new byte[100])])]);
        var scan = new[] { P(1, 1), P(2, 2), P(2, 3), P(2, 4), P(3, 5) };

        var pages = new List<TokenRangePage>();
        int next = 0;
        while (next < scan.Length)
        {
            var pager = new TokenRangePager(maxBytes: 1);
            int taken = 0;
            while (next + taken < scan.Length && pager.TryAdd(scan[next + taken])) taken++;
            var page = pager.Finish(more: next + taken < scan.Length);
            pages.Add(page);
            // Resuming after ResumeAfter: every partition with a greater token.
            next = page.ResumeAfter is { } after ? Array.FindIndex(scan, p => p.Token > after) : scan.Length;
        }
        Assert.Equal([1, 3, 1], pages.Select(p => p.Partitions.Count));
        Assert.Equal(new Token(2), pages[1].ResumeAfter);
        Assert.Equal(5, pages.Sum(p => p.Partitions.Count));
    }

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

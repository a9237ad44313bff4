using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Coordination;
using RingStore.Storage.Engine;
using RingStore.Storage.Reads;
using static RingStore.Node.Tests.Coordination.PartitionGen;

namespace RingStore.Node.Tests.Coordination;

public class ReadResolverTests
{
    private static readonly string[] Endpoints = ["A", "B", "C"];

    /// <summary>
    /// Model: three replicas each saw a random subset of writes. Resolving their answers must equal merging every
    /// write at once; applying each replica's repair to that replica must make it equal to the resolved partition;
    /// a replica gets no repair exactly when it already equals it; the client sees the resolved live rows.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Repairs_bring_every_replica_to_the_resolved_partition(bool reversed)
    {
        Replicas(3).Sample(histories =>
        {
            var answers = histories.Select(h => Apply(h, reversed)).ToArray();
            var query = new SliceQuery(Table, Key, ClusteringSlice.All, reversed);
            var resolution = ReadResolver.Resolve(query, [.. Endpoints.Select((e, i) => new ReplicaReadResponse(e, answers[i]))], NowSeconds);

            var everything = Apply(histories.SelectMany(h => h), reversed);
            Assert.True(SameData(everything, resolution.Resolved), $"resolved {Show(resolution.Resolved)} != all {Show(everything)}");

            for (int i = 0; i < 3; i++)
            {
                var repair = resolution.RepairsByEndpoint[Endpoints[i]];
                var repaired = repair is null ? answers[i] : Apply([.. histories[i], repair], reversed);
                Assert.True(SameData(resolution.Resolved, repaired),
                    $"replica {Endpoints[i]} after repair {Show(repaired)} != resolved {Show(resolution.Resolved)}");
                Assert.Equal(repair is null, SameData(answers[i], resolution.Resolved));
            }

            var expectedVisible = LiveRows.Filter(resolution.Resolved?.Rows ?? [], NowSeconds).ToList();
            Assert.Equal(expectedVisible.Select(r => Convert.ToHexString(r.Clustering)), resolution.VisibleRows.Select(r => Convert.ToHexString(r.Clustering)));
            Assert.Null(resolution.ResumeAfter);
            Assert.False(resolution.ShortReadCut);
        }, iter: 3_000, print: h => string.Join(" / ", h.Select(r => Show(Apply(r)))));
    }

    [Fact]
    public void Nobody_has_the_partition()
    {
        var r = ReadResolver.Resolve(SliceQuery.WholePartition(Table, Key), [new("A", null), new("B", null)], NowSeconds);
        Assert.Null(r.Resolved);
        Assert.Empty(r.VisibleRows);
        Assert.Empty(r.Repairs);
    }

    [Fact]
    public void A_newer_tombstone_hides_the_older_value_and_is_repaired_to_the_stale_replica()
    {
        var write = PartitionUpdate.OfRows(Table, Key, new Row([1], LivenessInfo.At(1), DeletionTime.Live, [Cell.Live(0, 1, [7])]));
        var delete = PartitionUpdate.DeletePartition(Table, Key, new DeletionTime(2, 50));
        var r = ReadResolver.Resolve(SliceQuery.WholePartition(Table, Key),
            [new("A", Apply([write])), new("B", Apply([write, delete]))], NowSeconds);
        Assert.Empty(r.VisibleRows);
        var repairA = r.RepairsByEndpoint["A"];
        Assert.NotNull(repairA);
        Assert.Equal(new DeletionTime(2, 50), repairA.PartitionDeletion);
        Assert.Empty(repairA.Rows);
        Assert.Null(r.RepairsByEndpoint["B"]);
    }

    [Fact]
    public void Repair_carries_only_the_cells_a_replica_lacks()
    {
        var both = new Row([1], LivenessInfo.At(1), DeletionTime.Live, [Cell.Live(0, 1, [1]), Cell.Live(1, 1, [1])]);
        var newer = new Row([1], LivenessInfo.None, DeletionTime.Live, [Cell.Live(1, 5, [9])]);
        var r = ReadResolver.Resolve(SliceQuery.WholePartition(Table, Key),
            [new("A", Apply([PartitionUpdate.OfRows(Table, Key, both)])),
             new("B", Apply([PartitionUpdate.OfRows(Table, Key, both), PartitionUpdate.OfRows(Table, Key, newer)]))], NowSeconds);
        var row = Assert.Single(r.RepairsByEndpoint["A"]!.Rows);
        Assert.True(row.Liveness.IsEmpty);
        Assert.Equal([Cell.Live(1, 5, [9])], row.Cells);
    }

    /// <summary>
    /// Limit 2. A holds rows 1 and 2 and a newer deletion of row 3, but stops after its 2 live rows, so it never
    /// reports the deletion. B deleted rows 1 and 2 and still has row 3. Without short-read protection the answer
    /// would resurrect row 3; the page instead stops after row 2 (what both covered) and says where to resume.
    /// </summary>
    [Fact]
    public void Short_read_stops_where_a_limit_cut_replica_stopped()
    {
        var a = new[]
        {
            PartitionUpdate.OfRows(Table, Key, Live(1, 1), Live(2, 1), new Row([3], LivenessInfo.None, new DeletionTime(9, 90), [])),
        };
        var b = new[]
        {
            PartitionUpdate.OfRows(Table, Key, new Row([1], LivenessInfo.None, new DeletionTime(5, 90), []),
                new Row([2], LivenessInfo.None, new DeletionTime(5, 90), []), Live(3, 1)),
        };
        var query = new SliceQuery(Table, Key, ClusteringSlice.All, Limit: 2);
        var answerA = Cut(Apply(a)!, 2);
        var answerB = Cut(Apply(b)!, 2);
        Assert.Equal(2, answerA.Rows.Count);   // rows 1, 2: the deletion of 3 is past the cut
        Assert.Equal(3, answerB.Rows.Count);   // rows 1 (dead), 2 (dead), 3

        var r = ReadResolver.Resolve(query, [new("A", answerA), new("B", answerB)], NowSeconds);
        Assert.Empty(r.VisibleRows);
        Assert.True(r.ShortReadCut);
        Assert.Equal([2], r.ResumeAfter);
        // Row 3 is not repaired to A from B's stale copy: A never said what it holds there.
        Assert.DoesNotContain(r.RepairsByEndpoint["A"]?.Rows ?? [], row => row.Clustering[0] == 3);

        // The next page, from after row 2, sees A's deletion.
        var next = query with { PagingState = [2] };
        var r2 = ReadResolver.Resolve(next, [new("A", Cut(Apply(a)!, 2, after: 2)), new("B", Cut(Apply(b)!, 2, after: 2))], NowSeconds);
        Assert.Empty(r2.VisibleRows);
        Assert.Null(r2.ResumeAfter);
    }

    [Fact]
    public void Full_page_resumes_after_its_last_row()
    {
        var rows = Enumerable.Range(1, 4).Select(i => Live((byte)i, 1)).ToArray();
        var data = Apply([PartitionUpdate.OfRows(Table, Key, rows)])!;
        var r = ReadResolver.Resolve(new SliceQuery(Table, Key, ClusteringSlice.All, Limit: 2),
            [new("A", Cut(data, 2)), new("B", Cut(data, 2))], NowSeconds);
        Assert.Equal([[1], [2]], r.VisibleRows.Select(x => x.Clustering));
        Assert.Equal([2], r.ResumeAfter);
    }

    private static Row Live(byte ck, long ts) => new([ck], LivenessInfo.At(ts), DeletionTime.Live, [Cell.Live(0, ts, [ck])]);

    /// <summary>What a replica's ReadUnfiltered returns: rows after <paramref name="after"/>, stopping after <paramref name="limit"/> live rows.</summary>
    private static MergedPartitionData Cut(MergedPartitionData data, int limit, byte after = 0)
    {
        var rows = new List<Row>();
        int live = 0;
        foreach (var row in data.Rows.Where(r => r.Clustering[0] > after))
        {
            if (live == limit) break;
            rows.Add(row);
            if (LiveRows.Visible(row, NowSeconds) is not null) live++;
        }
        return data with { Rows = rows };
    }
}

using CsCheck;
using RingStore.Node.Indexes;

namespace RingStore.Node.Tests.Indexes;

/// <summary>
/// The union of several replicas' index answers (pure): de-duplicated, in ring order, and never past the earliest cut
/// of a truncated reply, so that paging from the cut loses no entry any replica holds.
/// </summary>
public class IndexLookupUnionTests
{
    private static IndexHitMessage Hit(long token, byte key, byte ck = 0) => new(token, [key], [ck]);

    [Fact]
    public void Hits_are_merged_in_ring_order_without_duplicates()
    {
        var a = new IndexLookupResponseMessage(1, [Hit(-5, 1), Hit(3, 2), Hit(3, 2, 1)], false);
        var b = new IndexLookupResponseMessage(1, [Hit(-5, 1), Hit(3, 1), Hit(9, 0)], false);
        var union = IndexLookupCoordinator.Union([a, b]);
        Assert.Null(union.Resume);
        Assert.Equal<(long, int)>([(-5L, 1), (3L, 1), (3L, 2), (3L, 2), (9L, 0)], union.Hits.Select(h => (h.Token, (int)h.PartitionKey[0])));
        Assert.Equal(5, union.Hits.Count);
    }

    [Fact]
    public void A_truncated_reply_cuts_the_union_at_its_last_entry()
    {
        var full = new IndexLookupResponseMessage(1, [Hit(1, 1), Hit(2, 1), Hit(7, 1)], false);
        var cut = new IndexLookupResponseMessage(1, [Hit(1, 1), Hit(2, 2)], true, 2, [2], [0]);
        var union = IndexLookupCoordinator.Union([full, cut]);
        Assert.Equal<long>([1L, 2L, 2L], union.Hits.Select(h => h.Token));
        Assert.Equal(2, union.Resume!.Token.Value);
        Assert.Equal<byte>([2], union.Resume.Key!);
    }

    /// <summary>
    /// Property: replicas hold random subsets of entries and answer pages of a random size from the same position; the
    /// union paged from each resume position equals the union of every replica's entries.
    /// </summary>
    [Fact]
    public void Paging_the_union_from_its_resume_positions_finds_every_entry()
    {
        Gen.Select(Gen.Int[0, 30].Array[0, 12].Array[1, 3], Gen.Int[1, 4])
            .Sample((replicas, limit) =>
            {
                var sets = replicas.Select(r => r.Distinct().Order().ToList()).ToList();
                var all = sets.SelectMany(s => s).Distinct().Order().ToList();
                var found = new List<int>();
                long after = long.MinValue;
                byte[]? afterKey = null;
                for (int round = 0; round < 100; round++)
                {
                    var replies = sets.Select(s =>
                    {
                        var rest = s.Where(v => afterKey is null ? v > after : (v, 0).CompareTo(((int)after, (int)afterKey[0])) > 0).ToList();
                        var page = rest.Take(limit).ToList();
                        bool truncated = rest.Count > limit;
                        return truncated
                            ? new IndexLookupResponseMessage(1, [.. page.Select(v => Hit(v, 0))], true, page[^1], [0], [0])
                            : new IndexLookupResponseMessage(1, [.. page.Select(v => Hit(v, 0))], false);
                    }).ToList();
                    var union = IndexLookupCoordinator.Union(replies);
                    found.AddRange(union.Hits.Select(h => (int)h.Token));
                    if (union.Resume is null) break;
                    after = union.Resume.Token.Value;
                    afterKey = union.Resume.Key;
                }
                Assert.Equal(all, found);
            }, iter: 300);
    }
}

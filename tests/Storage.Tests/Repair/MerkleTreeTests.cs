using CsCheck;
using RingStore.Storage.Engine;
using RingStore.Storage.Repair;
using static RingStore.Storage.Tests.Streaming.StreamTestKit;

namespace RingStore.Storage.Tests.Repair;

/// <summary>
/// The repair Merkle tree: equal data gives equal trees whatever the order of writes and the SSTable layout (flushes,
/// compaction, expired TTLs converted or not); a change to one entry changes exactly the leaf holding it; Compare
/// returns exactly the differing leaves; leaves partition the range.
/// </summary>
public class MerkleTreeTests
{
    private const int Partitions = 40;

    [Fact]
    public void Same_data_in_any_order_and_any_SSTable_layout_gives_the_same_tree()
    {
        Gen.Select(GenOp(Partitions).Array[1, 200], Gen.Int, Gen.Int[0, 6], Gen.Bool, Gen.Int[0, 40])
            .Sample((ops, seed, depth, compactB, advanceSeconds) =>
            {
                var time = Clock();
                using var dirA = new TempDirectory();
                using var dirB = new TempDirectory();
                var a = Open(dirA.Path, time);
                var b = Open(dirB.Path, time);
                try
                {
                    ApplyAsync(a, ops, time).GetAwaiter().GetResult();
                    // B: the same writes in another order, flushed at other points (the merge rule is order-free).
                    var shuffled = ops.Where(o => o is not Flush).OrderBy(_ => new Random(seed).Next()).ToList();
                    var rnd = new Random(seed);
                    var withFlushes = shuffled.SelectMany(o => rnd.Next(4) == 0 ? new[] { o, new Flush() } : new[] { o });
                    ApplyAsync(b, withFlushes, time).GetAwaiter().GetResult();
                    // Expire some TTLs, then compact B only: B holds expired cells as tombstones, A as expiring cells.
                    time.Advance(TimeSpan.FromSeconds(advanceSeconds));
                    if (compactB) b.CompactAsync(Table).GetAwaiter().GetResult();
                    int now = (int)time.GetUtcNow().ToUnixTimeSeconds();
                    var (treeA, entriesA) = RepairScan.BuildTree(a, Table, long.MinValue, long.MaxValue, depth, now, pageBytes: 500);
                    var (treeB, entriesB) = RepairScan.BuildTree(b, Table, long.MinValue, long.MaxValue, depth, now);
                    Assert.Equal(entriesA, entriesB);
                    if (!treeA.Leaves.SequenceEqual(treeB.Leaves))
                    {
                        var pa = RepairScan.Partitions(a, Table, long.MinValue, long.MaxValue).ToList();
                        var pb = RepairScan.Partitions(b, Table, long.MinValue, long.MaxValue).ToList();
                        var diffs = pa.Zip(pb).Where(x => Render(x.First) != Render(x.Second)).Select(x => Render(x.First) + "\n" + Render(x.Second));
                        Assert.Fail("DIFF now=" + now + "\n" + string.Join("\n\n", diffs));
                    }
                    Assert.Equal(treeA.Leaves, treeB.Leaves);
                    Assert.Equal(treeA.Root, treeB.Root);
                    Assert.Empty(MerkleTree.Compare(treeA, treeB));
                }
                finally
                {
                    a.DisposeAsync().AsTask().GetAwaiter().GetResult();
                    b.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }, iter: 150);
    }

    private static readonly Gen<RepairEntry[]> GenEntries =
        Gen.Select(Gen.Long, Gen.Int[0, 3], Gen.Bool, Gen.Int[0, 5], Gen.UInt, Gen.UInt,
                (t, k, header, ck, d1, d2) => new RepairEntry(t, [(byte)k], header, header ? [] : [(byte)ck], new UInt128(d1, d2)))
            .Array[0, 300]
            .Select(es => es.Where(e => e.Token != long.MinValue).DistinctBy(e => e.Key).OrderBy(e => e.Key).ToArray());

    private static MerkleTree Build(RepairEntry[] entries, int depth)
    {
        var builder = new MerkleTreeBuilder(long.MinValue, long.MaxValue, depth);
        foreach (var e in entries) builder.Add(e);
        return builder.Build();
    }

    [Fact]
    public void Changing_one_entry_changes_exactly_the_leaf_that_holds_it()
    {
        Gen.Select(GenEntries.Where(es => es.Length > 0), Gen.Int[0, 12], Gen.Int[0, 1000], Gen.Int[0, 2])
            .Sample((entries, depth, pick, kind) =>
            {
                var before = Build(entries, depth);
                var changed = (RepairEntry[])entries.Clone();
                int i = pick % entries.Length;
                var target = entries[i];
                RepairEntry[] after = kind switch
                {
                    0 => Replace(changed, i, target with { Digest = target.Digest + 1 }), // another version of the row
                    1 => [.. entries.Where((_, j) => j != i)],                            // the row missing
                    _ => entries,
                };
                if (kind == 2) return;
                int leaf = MerkleTree.LeafOf(long.MinValue, long.MaxValue, depth, target.Token);
                Assert.Equal([leaf], MerkleTree.Compare(before, Build(after, depth)));
                Assert.NotEqual(before.Root, Build(after, depth).Root);
            }, iter: 500);
    }

    private static RepairEntry[] Replace(RepairEntry[] entries, int i, RepairEntry entry)
    {
        entries[i] = entry;
        return entries;
    }

    [Fact]
    public void Compare_returns_exactly_the_differing_leaves()
    {
        Gen.Select(Gen.Int[0, 10], Gen.Int.Array[0, 20], Gen.Int)
            .Sample((depth, changes, seed) =>
            {
                int n = 1 << depth;
                var rnd = new Random(seed);
                var a = Enumerable.Range(0, n).Select(_ => new UInt128((ulong)rnd.NextInt64(), (ulong)rnd.NextInt64())).ToArray();
                var b = (UInt128[])a.Clone();
                var expected = new SortedSet<int>();
                foreach (var c in changes)
                {
                    int leaf = (int)((uint)c % (uint)n);
                    b[leaf] += 1;
                    if (b[leaf] != a[leaf]) expected.Add(leaf); else expected.Remove(leaf);
                }
                var ta = new MerkleTree(-100, 1_000_000, depth, a);
                var tb = MerkleTree.FromBytes(-100, 1_000_000, depth, new MerkleTree(-100, 1_000_000, depth, b).LeavesToBytes());
                Assert.Equal(expected, MerkleTree.Compare(ta, tb));
                Assert.Equal(expected.Count == 0, ta.Root == tb.Root);
            }, iter: 500);
    }

    [Fact]
    public void Leaves_split_the_range_without_gaps_and_every_token_lies_in_its_leaf()
    {
        Gen.Select(Gen.Long, Gen.Long, Gen.Int[0, MerkleTree.MaxDepth], Gen.Long.Array[1, 20])
            .Where((s, e, _, _) => s != e)
            .Sample((x, y, depth, tokens) =>
            {
                long start = Math.Min(x, y), end = Math.Max(x, y);
                var tree = new MerkleTree(start, end, depth, Enumerable.Repeat(MerkleTree.EmptyLeaf, 1 << depth).ToArray());
                Assert.Equal(start, tree.LeafRange(0).StartExclusive);
                Assert.Equal(end, tree.LeafRange(tree.LeafCount - 1).EndInclusive);
                for (int i = 1; i < Math.Min(tree.LeafCount, 64); i++) Assert.Equal(tree.LeafRange(i - 1).EndInclusive, tree.LeafRange(i).StartExclusive);
                foreach (var raw in tokens)
                {
                    long t = start + (long)((ulong)raw % (ulong)(end - start)) + 1;
                    var (ls, le) = tree.LeafRange(MerkleTree.LeafOf(start, end, depth, t));
                    Assert.True(ls < t && t <= le, $"token {t} outside its leaf ({ls}, {le}]");
                }
            }, iter: 1000);
    }

    [Fact]
    public void Depth_adapts_to_the_partition_estimate_up_to_the_cap()
    {
        Assert.Equal(0, MerkleTree.DepthFor(0));
        Assert.Equal(0, MerkleTree.DepthFor(MerkleTree.TargetPartitionsPerLeaf));
        Assert.Equal(4, MerkleTree.DepthFor(16 * MerkleTree.TargetPartitionsPerLeaf));
        Assert.Equal(MerkleTree.MaxDepth, MerkleTree.DepthFor(long.MaxValue));
    }

    [Fact]
    public void Entries_out_of_scan_order_are_refused()
    {
        var builder = new MerkleTreeBuilder(0, 100, 2);
        builder.Add(new RepairEntry(50, [1], false, [1], 1));
        Assert.Throws<ArgumentException>(() => builder.Add(new RepairEntry(40, [1], false, [1], 1)));
    }
}

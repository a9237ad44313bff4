using RingStore.Cli.Tools;
using RingStore.Client.Protos;

namespace RingStore.Cli.Tests;

public sealed class TopPartitionsRankingTests
{
    private static TopPartition Entry(string key, string kind, long count, long error = 0, bool sure = false) =>
        new() { Table = "ks.t", PartitionKey = key, PartitionKeyHex = "AB", Kind = kind, Count = count, Error = error, Guaranteed = sure };

    [Fact]
    public void Entries_whose_error_is_as_large_as_their_count_are_declared_not_significant()
    {
        // What 64 counters showed for thousands of partitions written once each: "count 187, error 186" everywhere.
        var flat = Enumerable.Range(0, 12).Select(i => Entry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "write", 187, 186)).ToList();
        var ranked = TopPartitionsRanking.ClusterWide(flat, "write", top: 10);
        Assert.All(ranked, r => Assert.False(r.Significant));
        Assert.StartsWith("  not significant", TopPartitionsRanking.Verdict(ranked), StringComparison.Ordinal);

        var skewed = new[] { Entry("hot", "write", 5000, 20, sure: true), Entry("hot", "write", 4900, 10, sure: true), Entry("warm", "write", 40, 30), Entry("cold", "write", 12, 11) };
        var top = TopPartitionsRanking.ClusterWide(skewed, "write", top: 2);
        Assert.Equal([("hot", true), ("warm", false)], top.Select(r => (r.Partition, r.Significant)));
        Assert.Contains("1 of 2", TopPartitionsRanking.Verdict(top), StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_of_one_partition_on_several_replicas_are_summed_and_ranked()
    {
        var entries = new[]
        {
            Entry("1", "write", 10), Entry("1", "write", 12, 2), Entry("2", "write", 30),
            Entry("3", "write", 5), Entry("1", "read", 100),
        };
        var ranked = TopPartitionsRanking.ClusterWide(entries, "write", top: 2);
        Assert.Equal([("2", 30L, 0L), ("1", 22L, 2L)], ranked.Select(r => (r.Partition, r.Count, r.Error)));
    }

    [Fact]
    public void A_key_the_node_could_not_decode_is_shown_as_hex()
    {
        Assert.Equal("0xab", TopPartitionsRanking.Describe(new TopPartition { PartitionKeyHex = "AB" }));
    }
}

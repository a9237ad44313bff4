using RingStore.Cli.Tools;
using RingStore.Client.Protos;

namespace RingStore.Cli.Tests;

public sealed class TopPartitionsRankingTests
{
    private static TopPartition Entry(string key, string kind, long count, long error = 0) =>
        new() { Table = "ks.t", PartitionKey = key, PartitionKeyHex = "AB", Kind = kind, Count = count, Error = error };

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

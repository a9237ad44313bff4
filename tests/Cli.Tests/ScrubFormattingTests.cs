using RingStore.Cli.Commands;
using RingStore.Client.Protos;

namespace RingStore.Cli.Tests;

/// <summary>How `ringstore scrub` prints a node's answer and when it reports data as dropped (exit code 1).</summary>
public sealed class ScrubFormattingTests
{
    [Fact]
    public void A_table_that_lost_partitions_prints_the_counts_and_the_keys_and_counts_as_dropped()
    {
        var table = new ScrubTableResult
        {
            Table = "demo.readings", SstablesChecked = 2, SstablesScrubbed = 1, PartitionsKept = 190, RowsKept = 760,
            PartitionsDropped = 10, RowsDropped = 40, DataBlocksBad = 1, LostKeyCount = 25,
        };
        table.LostKeys.AddRange(Enumerable.Range(0, 25).Select(i => $"{i}, b"));
        var response = new ScrubResponse { Tables = { table, new ScrubTableResult { Table = "demo.other", SstablesChecked = 1 } } };

        Assert.True(ScrubCommand.LostAnything(response));
        var lines = ScrubCommand.Format("127.0.0.1:9042", response).ToList();
        Assert.Equal("  127.0.0.1:9042  3 SSTables checked, 1 scrubbed, data dropped", lines[0]);
        Assert.Contains("demo.readings  1 SSTables  kept 190 partitions, 760 rows  dropped 10 partitions, 40 rows", lines[1], StringComparison.Ordinal);
        Assert.Contains("bad blocks 1 Data, 0 Index", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("      lost or damaged partition keys: (0, b); (1, b);", lines[2], StringComparison.Ordinal);
        Assert.EndsWith($"({ScrubCommand.MaxKeysShown - 1}, b) (and 5 more)", lines[2], StringComparison.Ordinal);
        Assert.Equal(3, lines.Count); // the untouched table prints nothing of its own
    }

    [Fact]
    public void A_scrub_that_rewrote_everything_whole_is_not_a_loss()
    {
        var response = new ScrubResponse { Tables = { new ScrubTableResult { Table = "ks.t", SstablesChecked = 1, SstablesScrubbed = 1, PartitionsKept = 5, RowsKept = 9, IndexBlocksBad = 1 } } };
        Assert.False(ScrubCommand.LostAnything(response));
        Assert.Equal("  n  1 SSTables checked, 1 scrubbed, nothing dropped", ScrubCommand.Format("n", response).First());
        Assert.Equal("  n  0 SSTables checked, 0 scrubbed", ScrubCommand.Format("n", new ScrubResponse()).Single());
    }
}

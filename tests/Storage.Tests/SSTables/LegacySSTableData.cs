using System.Text;
using RingStore.Core.Data;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Tests.SSTables;

/// <summary>
/// The content of the SSTable committed under TestData/sstable-format-v1 (Data format version 1, uncompressed, written
/// by the code before compression existed). Deterministic, so the test that reads the committed files compares them
/// with this very definition. Small blocks and a small row-index interval give several Data blocks and a partition with
/// a row index, so the old layout's seek paths are exercised too. Do not change: the files on disk are what it was.
/// </summary>
internal static class LegacySSTableData
{
    public const long Generation = 1;

    public static readonly SSTableWriterOptions Options = new()
    {
        BlockSizeBytes = 512,
        RowIndexIntervalBytes = 400,
        IndexSummaryInterval = 2,
        ExpectedPartitions = 0,
    };

    public static TestPartition[] Partitions()
    {
        var partitions = new List<TestPartition>();
        for (int p = 0; p < 12; p++)
        {
            byte[] key = Encoding.UTF8.GetBytes($"sensor-{p:D3}");
            int rowCount = p == 5 ? 120 : p % 4; // partition 5 is wide enough for a row index; some have no rows
            var rows = new List<Row>();
            for (int r = 0; r < rowCount; r++)
            {
                byte[] clustering = [(byte)(r >> 8), (byte)r];
                var cells = new List<Cell>
                {
                    Cell.Live(0, 1_000_000 + r, Encoding.UTF8.GetBytes($"reading {p}/{r}: {20.0 + r * 0.25:F2} C")),
                };
                if (r % 3 == 1) cells.Add(Cell.Expiring(1, 2_000_000 + r, [(byte)r, 7, 7], 3_600, 1_700_000_000));
                if (r % 7 == 2) cells.Add(Cell.Tombstone(2, 3_000_000 + r, 1_700_000_100));
                var liveness = r % 2 == 0 ? LivenessInfo.At(1_000_000 + r) : LivenessInfo.None;
                var deletion = r % 11 == 10 ? new DeletionTime(900_000, 1_699_999_999) : DeletionTime.Live;
                rows.Add(new Row(clustering, liveness, deletion, [.. cells]));
            }
            var partitionDeletion = p == 3 ? new DeletionTime(500_000, 1_699_000_000) : DeletionTime.Live;
            RangeTombstone[] rts = p == 7
                ? [new RangeTombstone(new ClusteringSlice(new ClusteringBound([0, 1], true), new ClusteringBound([0, 2], false)), new DeletionTime(600_000, 1_699_500_000))]
                : [];
            partitions.Add(new TestPartition(key, partitionDeletion, rts, [.. rows]));
        }
        return TestData.SortPartitions(partitions);
    }
}

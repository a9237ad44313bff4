using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>Bad input gets a clear exception and nothing is written, not even to the commit log.</summary>
public class EngineBadInputTests
{
    private static async Task AssertNothingWritten(string dir, bool expectOtherData = false)
    {
        await using var reopened = StorageEngine.Open(Options(dir), [TimeSeries()]);
        Assert.Empty(reopened.Read(SliceQuery.WholePartition(Table, Pk(1))).Rows);
        if (!expectOtherData) Assert.Equal(0, reopened.GetStats().Tables[0].MemtableBytes);
    }

    [Fact]
    public async Task Unknown_table_is_rejected()
    {
        using var dir = new TempDirectory();
        await using (var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]))
        {
            var e = await Assert.ThrowsAsync<UnknownTableException>(() =>
                engine.ApplyAsync(PartitionUpdate.OfRows("ks.nope", Pk(1), ValueRow(1, [1], 1))).AsTask());
            Assert.Contains("ks.nope", e.Message);
            Assert.Throws<UnknownTableException>(() => engine.Read(SliceQuery.WholePartition("ks.nope", Pk(1))));
        }
        await AssertNothingWritten(dir.Path);
    }

    [Fact]
    public async Task Oversized_value_is_rejected_with_its_size_and_the_cap()
    {
        using var dir = new TempDirectory();
        await using (var engine = StorageEngine.Open(Options(dir.Path) with { MaxValueSizeBytes = 1024 }, [TimeSeries()]))
        {
            var e = await Assert.ThrowsAsync<ValueTooLargeException>(() => engine.ApplyAsync(Write(1, 1, new byte[1025], 1)).AsTask());
            Assert.Equal(1025, e.SizeBytes);
            Assert.Equal(1024, e.CapBytes);
            Assert.Contains("value", e.Message);
            await engine.ApplyAsync(Write(2, 1, new byte[1024], 1)); // at the cap is fine
        }
        await AssertNothingWritten(dir.Path, expectOtherData: true);
    }

    [Fact]
    public async Task Wrong_type_empty_key_and_bad_clustering_are_rejected()
    {
        using var dir = new TempDirectory();
        await using (var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]))
        {
            // Column 1 is an int: 3 bytes is not an int.
            var wrongType = PartitionUpdate.OfRows(Table, Pk(1), new Row(Ck(1), LivenessInfo.None, DeletionTime.Live, [Cell.Live(1, 1, [1, 2, 3])]));
            var e1 = await Assert.ThrowsAsync<InvalidRequestException>(() => engine.ApplyAsync(wrongType).AsTask());
            Assert.Contains("'n'", e1.Message);

            var emptyKey = PartitionUpdate.OfRows(Table, [], ValueRow(1, [1], 1));
            var e2 = await Assert.ThrowsAsync<InvalidRequestException>(() => engine.ApplyAsync(emptyKey).AsTask());
            Assert.Contains("Empty partition key", e2.Message);

            var badClustering = PartitionUpdate.OfRows(Table, Pk(1), new Row([1, 2], LivenessInfo.At(1), DeletionTime.Live, []));
            await Assert.ThrowsAsync<InvalidRequestException>(() => engine.ApplyAsync(badClustering).AsTask());

            var unknownColumn = PartitionUpdate.OfRows(Table, Pk(1), new Row(Ck(1), LivenessInfo.None, DeletionTime.Live, [Cell.Live(7, 1, [1])]));
            await Assert.ThrowsAsync<InvalidRequestException>(() => engine.ApplyAsync(unknownColumn).AsTask());
        }
        await AssertNothingWritten(dir.Path);
    }
}

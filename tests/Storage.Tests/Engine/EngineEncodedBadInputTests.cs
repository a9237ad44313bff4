using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Reads;
using RingStore.Core.Serialization;
using RingStore.Storage.Engine;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// <see cref="StorageEngine.ApplyEncodedAsync"/> with bytes that are not a good update (issue 20): a clear exception and
/// nothing applied, neither in the commit log (its tail does not move; a reopen replays nothing) nor in the memtable.
/// </summary>
public class EngineEncodedBadInputTests
{
    private static byte[] Encoded(PartitionUpdate update) => DataSerializer.Serialize(update);

    private static PartitionUpdate TwoRows(long pk) => new(Table, Pk(pk), DeletionTime.Live, [],
        [ValueRow(1, [1, 2, 3], 10), new Row(Ck(2), LivenessInfo.Expiring(11, 60, 1_700_000_000), DeletionTime.Live, [Cell.Tombstone(0, 11, 1_700_000_000)])]);

    private static async Task AssertNothingWritten(string dir)
    {
        await using var reopened = StorageEngine.Open(Options(dir), [TimeSeries()]);
        Assert.Null(reopened.ReadUnfiltered(SliceQuery.WholePartition(Table, Pk(1))));
        Assert.Equal(0, reopened.GetStats().Tables[0].MemtableBytes);
    }

    [Fact]
    public async Task Every_truncation_and_trailing_bytes_are_refused_as_malformed()
    {
        using var dir = new TempDirectory();
        await using (var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]))
        {
            byte[] good = Encoded(TwoRows(1));
            long tail = engine.CommitLogForTests.TailPosition;
            for (int length = 0; length < good.Length; length++)
            {
                var cut = good.AsMemory(0, length);
                var e = await Assert.ThrowsAnyAsync<Exception>(() => engine.ApplyEncodedAsync(cut).AsTask());
                Assert.True(e is FormatException or InvalidRequestException, $"cut at {length}: {e.GetType().Name}: {e.Message}");
            }
            var trailing = await Assert.ThrowsAsync<FormatException>(() => engine.ApplyEncodedAsync(good.Append((byte)0).ToArray()).AsTask());
            Assert.Contains("follow the last", trailing.Message);
            Assert.Equal(tail, engine.CommitLogForTests.TailPosition);
            Assert.Null(engine.ReadUnfiltered(SliceQuery.WholePartition(Table, Pk(1))));
        }
        await AssertNothingWritten(dir.Path);
    }

    [Fact]
    public async Task Encoded_updates_the_validator_refuses_are_refused_as_objects_are()
    {
        using var dir = new TempDirectory();
        await using (var engine = StorageEngine.Open(Options(dir.Path) with { MaxValueSizeBytes = 1024 }, [TimeSeries()]))
        {
            var unknown = await Assert.ThrowsAsync<UnknownTableException>(() =>
                engine.ApplyEncodedAsync(Encoded(PartitionUpdate.OfRows("ks.nope", Pk(1), ValueRow(1, [1], 1)))).AsTask());
            Assert.Contains("ks.nope", unknown.Message);

            var wrongType = PartitionUpdate.OfRows(Table, Pk(1), new Row(Ck(1), LivenessInfo.None, DeletionTime.Live, [Cell.Live(1, 1, [1, 2, 3])]));
            Assert.Contains("'n'", (await Assert.ThrowsAsync<InvalidRequestException>(() => engine.ApplyEncodedAsync(Encoded(wrongType)).AsTask())).Message);

            var emptyKey = PartitionUpdate.OfRows(Table, [], ValueRow(1, [1], 1));
            Assert.Contains("Empty partition key", (await Assert.ThrowsAsync<InvalidRequestException>(() => engine.ApplyEncodedAsync(Encoded(emptyKey)).AsTask())).Message);

            var badClustering = PartitionUpdate.OfRows(Table, Pk(1), new Row([1, 2], LivenessInfo.At(1), DeletionTime.Live, []));
            await Assert.ThrowsAsync<InvalidRequestException>(() => engine.ApplyEncodedAsync(Encoded(badClustering)).AsTask());

            var unknownColumn = PartitionUpdate.OfRows(Table, Pk(1), new Row(Ck(1), LivenessInfo.None, DeletionTime.Live, [Cell.Live(7, 1, [1])]));
            await Assert.ThrowsAsync<InvalidRequestException>(() => engine.ApplyEncodedAsync(Encoded(unknownColumn)).AsTask());

            var unsortedCells = PartitionUpdate.OfRows(Table, Pk(1), new Row(Ck(1), LivenessInfo.None, DeletionTime.Live, [Cell.Live(1, 1, [0, 0, 0, 1]), Cell.Live(0, 1, [1])]));
            await Assert.ThrowsAsync<InvalidRequestException>(() => engine.ApplyEncodedAsync(Encoded(unsortedCells)).AsTask());

            var e = await Assert.ThrowsAsync<ValueTooLargeException>(() => engine.ApplyEncodedAsync(Encoded(Write(1, 1, new byte[1025], 1))).AsTask());
            Assert.Equal(1025, e.SizeBytes);
        }
        await AssertNothingWritten(dir.Path);
    }

    /// <summary>
    /// Any byte of a good update changed: either the result is still an update the validator accepts (then it is
    /// applied), or it is refused with a clear exception and the engine is exactly as before (commit-log tail, memtable).
    /// </summary>
    [Fact]
    public async Task A_corrupted_update_is_applied_whole_or_refused_with_nothing_applied()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        byte[] good = Encoded(TwoRows(1));
        long pk = 100;
        await Gen.Select(Gen.Int[0, good.Length - 1], Gen.Byte).SampleAsync(async (index, value) =>
        {
            var corrupt = (byte[])good.Clone();
            corrupt[index] = value;
            long tail = engine.CommitLogForTests.TailPosition;
            long memtable = engine.GetStats().Tables[0].MemtableBytes;
            try
            {
                await engine.ApplyEncodedAsync(corrupt);
            }
            catch (Exception e) when (e is FormatException or InvalidRequestException)
            {
                Assert.Equal(tail, engine.CommitLogForTests.TailPosition);
                Assert.Equal(memtable, engine.GetStats().Tables[0].MemtableBytes);
            }
            // The untouched update still applies after any refusal (nothing was left half-done).
            var fresh = TwoRows(pk++);
            await engine.ApplyEncodedAsync(Encoded(fresh));
            Assert.Equal(2, engine.ReadUnfiltered(SliceQuery.WholePartition(Table, fresh.PartitionKey))!.Rows.Count);
        }, iter: 300, threads: 1);
    }
}

using RingStore.Storage.Hints;

namespace RingStore.Storage.Tests.Hints;

/// <summary>max_hints_size_per_host: past the cap the oldest hints of that host go (counted as dropped); others are untouched.</summary>
public sealed class HintCapTests
{
    private static readonly Guid Full = Guid.Parse("0b8a0c52-6f53-4d8e-9a8f-9a1d2f0e00a1");
    private static readonly Guid Other = Guid.Parse("0b8a0c52-6f53-4d8e-9a8f-9a1d2f0e00a2");

    [Fact]
    public async Task Hints_over_the_per_host_cap_drop_the_oldest_and_keep_the_newest_also_after_a_reopen()
    {
        using var dir = new TempDirectory();
        var options = HintData.Options(dir.Path) with { MaxHintsBytesPerHost = 20_000 };
        await using (var store = HintStore.Open(options))
        {
            await HintData.AppendRange(store, Full, 0, 200, valueBytes: 400);
            await HintData.AppendRange(store, Other, 0, 10, valueBytes: 400);
            Assert.True(store.GetStats(Full).PendingBytes <= 20_000, $"{store.GetStats(Full).PendingBytes} bytes pending");
            Assert.True(store.DroppedCount > 0);
            Assert.Equal(10, store.GetStats(Other).PendingCount);
        }
        await using var reopened = HintStore.Open(options);
        var sender = new RecordingSender();
        await reopened.ReplayAsync(Full, sender.SendAsync);
        Assert.Contains(199L, sender.Received);          // the newest stays
        Assert.DoesNotContain(0L, sender.Received);      // the oldest went, durably
        Assert.True(sender.Received.Count < 200);
        Assert.Equal(sender.Received.OrderBy(s => s), sender.Received); // what is left is the newest, in order
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RingStore.Core.Data;
using RingStore.Gossip.Ring;
using RingStore.Gossip.State;
using RingStore.Node.Cluster;
using RingStore.Coordination;
using RingStore.Node.Metrics;
using RingStore.Node.Requests;
using RingStore.Node.Tests.Schema;
using RingStore.Storage.Hints;

namespace RingStore.Node.Tests.VirtualTime;

/// <summary>
/// Hints live on the node's clock: a hint recorded carries the virtual time (it expires a hint window of virtual time
/// later), and the hint window of a down replica is measured on it. The virtual clock starts in 2001, so a hint stamped
/// with the wall clock would look years younger and never expire in this test.
/// </summary>
public sealed class HintRecorderClockTests
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private static readonly Guid DownHost = new(2, 0, 0, new byte[8]);

    [Fact]
    public async Task A_recorded_hint_carries_the_virtual_time_and_the_hint_window_runs_on_it()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var store = HintStore.Open(new HintStoreOptions { Directory = dir.Path, HintWindow = Window }, time);
        var down = new DownTracker(time);
        var recorder = new HintRecorder(store, down, new HintPolicy(Window), new NodeMetrics(time), time, NullLogger.Instance);
        var membership = new MembershipSnapshot(1, "n1", new Dictionary<string, EndpointState>
        {
            ["n1"] = Member(new Guid(1, 0, 0, new byte[8])),
            ["n2"] = Member(DownHost),
        }, new HashSet<string> { "n1" });
        var replica = new NodeInfo("n2");
        down.MarkDown("n2");

        Assert.True(await recorder.TryHintAsync(membership, replica, Update(1))); // virtual 00:00
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.True(await recorder.TryHintAsync(membership, replica, Update(2))); // virtual 00:59, down 59 min: in the window
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.False(await recorder.TryHintAsync(membership, replica, Update(3))); // down 61 virtual minutes: past the window

        // At virtual 01:01 the first hint is 61 minutes old (expired), the second 2 minutes (delivered).
        var delivered = new List<PartitionUpdate>();
        var result = await store.ReplayAsync(DownHost, (u, _) => { delivered.Add(u); return Task.FromResult(true); });
        Assert.Equal(1, result.Dropped);
        Assert.Equal(1, result.Delivered);
        Assert.Equal(Update(2).PartitionKey, Assert.Single(delivered).PartitionKey);
    }

    private static EndpointState Member(Guid hostId) =>
        EndpointState.Create(1).With(ApplicationState.HostId, new VersionedValue(hostId.ToString("D"), 1));

    private static PartitionUpdate Update(byte key) =>
        PartitionUpdate.OfRows("ks.t", [key], new Row([1], LivenessInfo.At(1), DeletionTime.Live, [Cell.Live(0, 1, [key])]));
}

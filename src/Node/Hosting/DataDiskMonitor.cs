using System.Globalization;
using Microsoft.Extensions.Logging;
using RingStore.Gossip.State;
using RingStore.Node.Cluster;
using RingStore.Coordination;

namespace RingStore.Node.Hosting;

/// <summary>
/// Samples the data directory's file system every second, publishes the used percentage by gossip when it changes
/// (coordinators apply the guardrail from it) and warns, at most once a minute, above the warn threshold.
/// </summary>
internal sealed class DataDiskMonitor(string dataDirectory, DiskUsageGuardrail guardrail, GossipService gossip, TimeProvider time, ILogger logger)
{
    private int _lastPublished = -1;
    private long _lastWarned;

    public int? UsedPercent { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        do
        {
            Sample();
        }
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }

    public void Sample()
    {
        if (RingStore.Storage.IO.DiskSpace.Of(dataDirectory) is not { } space) return;
        int used = DiskUsageGuardrail.UsedPercent(space.Total, space.Available);
        UsedPercent = used;
        if (used != _lastPublished)
        {
            _lastPublished = used;
            gossip.SetState(ApplicationState.DiskUsage, used.ToString(CultureInfo.InvariantCulture));
        }
        if (guardrail.Warns(used) && (_lastWarned == 0 || time.GetElapsedTime(_lastWarned) > TimeSpan.FromMinutes(1)))
        {
            _lastWarned = time.GetTimestamp();
            logger.LogWarning("Data disk {Used}% full (warn threshold {Warn}%, writes refused at {Fail}%)", used, guardrail.WarnPercent,
                guardrail.FailPercent > 0 ? guardrail.FailPercent.ToString(CultureInfo.InvariantCulture) : "never");
        }
    }
}

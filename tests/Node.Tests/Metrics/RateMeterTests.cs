using Microsoft.Extensions.Time.Testing;
using RingStore.Node.Metrics;

namespace RingStore.Node.Tests.Metrics;

public sealed class RateMeterTests
{
    [Fact]
    public void Rate_is_the_average_of_the_last_ten_whole_seconds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_000_000));
        var meter = new RateMeter(time);
        for (int second = 0; second < 20; second++)
        {
            meter.Mark(second < 10 ? 5 : 50);
            time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(50, meter.PerSecond(), 3);
        meter.Mark(1000); // the current, partial second does not count yet
        Assert.Equal(50, meter.PerSecond(), 3);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, meter.PerSecond(), 3);
    }
}

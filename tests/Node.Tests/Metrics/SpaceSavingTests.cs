using CsCheck;
using RingStore.Node.Metrics;

namespace RingStore.Node.Tests.Metrics;

public sealed class SpaceSavingTests
{
    [Fact]
    public void Heavy_hitters_are_never_missed_and_counts_are_bounded_overestimates()
    {
        // Skewed streams: a few keys repeat a lot, many appear once or twice.
        var streams = Gen.Int[0, 200].Select(k => k < 150 ? k % 5 : k).Array[1, 3000];
        streams.Sample(stream =>
        {
            const int capacity = 16;
            var sketch = new SpaceSaving<int>(capacity);
            foreach (int item in stream) sketch.Add(item);
            var truth = stream.GroupBy(i => i).ToDictionary(g => g.Key, g => (long)g.Count());
            var top = sketch.Top(capacity).ToDictionary(h => h.Item);
            Assert.Equal(stream.Length, sketch.Total);
            foreach (var (item, count) in truth)
            {
                if (count > stream.Length / capacity) Assert.True(top.ContainsKey(item), $"heavy item {item} ({count}) missing");
            }
            foreach (var hitter in top.Values)
            {
                long actual = truth.GetValueOrDefault(hitter.Item);
                Assert.InRange(hitter.Count, actual, actual + hitter.Error);
            }
        }, iter: 300);
    }

    [Fact]
    public void Top_orders_by_count()
    {
        var sketch = new SpaceSaving<string>(4);
        foreach (var item in new[] { "a", "b", "b", "c", "c", "c" }) sketch.Add(item);
        Assert.Equal(["c", "b", "a"], sketch.Top(3).Select(h => h.Item));
        Assert.All(sketch.Top(3), h => Assert.Equal(0, h.Error));
    }
}

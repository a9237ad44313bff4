using CsCheck;
using RingStore.Gossip.FailureDetection;

namespace RingStore.Gossip.Tests.FailureDetection;

/// <summary>
/// The chunked, int-tick window against the obvious model (a list of double-millisecond intervals, oldest dropped
/// at capacity): same count, and bit-for-bit the same mean and phi, including when windows sharing one detector's
/// chunk pool are removed and their chunks reused.
/// </summary>
public class ArrivalWindowModelTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(2);

    /// <summary>Gaps in ticks: mostly under the 2 s cap, some over it (dropped), some exactly at it.</summary>
    private static readonly Gen<long> Gap = Gen.Frequency(
        (8, Gen.Long[0, Initial.Ticks]),
        (1, Gen.Long[Initial.Ticks + 1, Initial.Ticks * 5]),
        (1, Gen.Const(Initial.Ticks)));

    private sealed class ModelWindow(int capacity)
    {
        private readonly List<double> _intervalsMs = [];
        private double _sumMs;

        public TimeSpan? Last { get; private set; }

        public int Count => _intervalsMs.Count;

        public double MeanMs => Count == 0 ? Initial.TotalMilliseconds : _sumMs / Count;

        public void Add(TimeSpan now)
        {
            if (Last is { } last)
            {
                double ms = (now - last).TotalMilliseconds;
                if (ms <= Initial.TotalMilliseconds && ms >= 0)
                {
                    Record(ms);
                }
            }
            else
            {
                Record(Initial.TotalMilliseconds);
            }
            Last = now;
        }

        public double Phi(TimeSpan now) =>
            Last is not { } last || Count == 0 ? 0 : Math.Max(0, (now - last).TotalMilliseconds) / MeanMs / Math.Log(10);

        private void Record(double ms)
        {
            if (Count == capacity)
            {
                _sumMs -= _intervalsMs[0];
                _intervalsMs.RemoveAt(0);
            }
            _intervalsMs.Add(ms);
            _sumMs += ms;
        }
    }

    [Fact]
    public void Window_matches_the_list_model_exactly()
    {
        Gen.Select(Gen.Int[1, 40], Gap.Array[0, 120], Gen.Long[0, 1_000_000_000_000]).Sample((capacity, gaps, start) =>
        {
            var window = new ArrivalWindow(capacity, Initial);
            var model = new ModelWindow(capacity);
            var now = TimeSpan.FromTicks(start);
            foreach (long gap in gaps)
            {
                now += TimeSpan.FromTicks(gap);
                window.Add(now);
                model.Add(now);
                Assert.Equal(model.Count, window.Count);
                Assert.Equal(model.MeanMs, window.MeanMs); // exact: same doubles added and removed in the same order
                Assert.Equal(model.Last, window.LastArrival);
                TimeSpan later = now + TimeSpan.FromTicks(gap / 2 + 1);
                Assert.Equal(model.Phi(later), window.Phi(later));
            }
        });
    }

    [Fact]
    public void Detector_windows_sharing_chunks_match_the_model_through_removals()
    {
        // Operations on 4 endpoints: (endpoint, gap ticks, remove?). Small windows so chunks are freed and reused.
        var operation = Gen.Select(Gen.Int[0, 3], Gap, Gen.Int[0, 9]);
        Gen.Select(Gen.Int[1, 35], operation.Array[0, 400]).Sample((capacity, operations) =>
        {
            var detector = new PhiAccrualFailureDetector(new FailureDetectorOptions { WindowSize = capacity, InitialInterval = Initial });
            var models = new Dictionary<string, ModelWindow>();
            var now = TimeSpan.FromSeconds(1);
            foreach (var (endpoint, gap, kind) in operations)
            {
                string name = $"e{endpoint}";
                now += TimeSpan.FromTicks(gap / 4);
                if (kind == 0)
                {
                    detector.Remove(name);
                    models.Remove(name);
                }
                else
                {
                    detector.Report(name, now);
                    if (!models.TryGetValue(name, out ModelWindow? model))
                    {
                        models[name] = model = new ModelWindow(capacity);
                    }
                    model.Add(now);
                }
                for (int e = 0; e < 4; e++)
                {
                    string other = $"e{e}";
                    ModelWindow? m = models.GetValueOrDefault(other);
                    Assert.Equal(m?.Count ?? 0, detector.IntervalCount(other));
                    Assert.Equal(m?.Phi(now + Initial) ?? 0, detector.Phi(other, now + Initial));
                }
            }
        });
    }
}

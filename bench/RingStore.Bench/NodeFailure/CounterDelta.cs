using RingStore.Client.Protos;

namespace RingStore.Bench.NodeFailure;

/// <summary>
/// How much a cumulative node counter grew over a run in which some nodes were restarted: a restarted node's
/// counters start again from zero, so its share is (value at the fault - value at the start) + value at the end.
/// </summary>
public static class CounterDelta
{
    public static long Sum(IReadOnlyList<NodeMetrics?> atStart, IReadOnlyList<NodeMetrics?> atFault, IReadOnlyList<NodeMetrics?> atEnd,
        IReadOnlyCollection<int> restarted, Func<NodeMetrics, long> field)
    {
        ArgumentNullException.ThrowIfNull(atStart);
        ArgumentNullException.ThrowIfNull(atFault);
        ArgumentNullException.ThrowIfNull(atEnd);
        ArgumentNullException.ThrowIfNull(restarted);
        ArgumentNullException.ThrowIfNull(field);
        long total = 0;
        for (int i = 0; i < atStart.Count; i++)
        {
            long start = atStart[i] is { } s ? field(s) : 0;
            long end = atEnd[i] is { } e ? field(e) : 0;
            if (restarted.Contains(i))
            {
                long fault = atFault[i] is { } f ? field(f) : start;
                total += Math.Max(0, fault - start) + end;
            }
            else
            {
                total += Math.Max(0, end - start);
            }
        }
        return total;
    }
}

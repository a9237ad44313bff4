namespace RingStore.Simulation;

/// <summary>
/// The two guarantees QUORUM writes plus QUORUM reads with blocking read repair give, checked over a history in
/// real (virtual) time. Only operations that finished before another started are ordered; overlapping ones may
/// see either outcome.
/// 1. No lost acknowledged write: a successful read that started after a write was acknowledged sees it or newer.
/// 2. Monotonic reads: a successful read that started after another successful read of the key ended sees at
///    least what that read saw (even if what it saw came from a write that failed or was never acknowledged).
/// </summary>
public static class ConsistencyChecker
{
    public static IReadOnlyList<string> Check(IReadOnlyList<OperationRecord> history)
    {
        var violations = new List<string>();
        foreach (var byKey in history.GroupBy(o => o.Key))
        {
            var ackedWrites = byKey.Where(o => o.IsWrite && o.Ok).OrderBy(o => o.End).ToList();
            var reads = byKey.Where(o => !o.IsWrite && o.Ok).OrderBy(o => o.Start).ToList();
            foreach (var read in reads)
            {
                var lost = ackedWrites.Where(w => w.End < read.Start && w.Value > read.Value).MaxBy(w => w.Value);
                if (lost is not null)
                {
                    violations.Add($"key {byKey.Key}: read at {Ms(read.Start)}-{Ms(read.End)} via {read.Coordinator} saw {read.Value}, " +
                                   $"but write of {lost.Value} was acknowledged at {Ms(lost.End)}");
                }
                var earlier = reads.Where(r => r.End < read.Start && r.Value > read.Value).MaxBy(r => r.Value);
                if (earlier is not null)
                {
                    violations.Add($"key {byKey.Key}: read at {Ms(read.Start)}-{Ms(read.End)} via {read.Coordinator} saw {read.Value}, " +
                                   $"going back from {earlier.Value} seen by the read at {Ms(earlier.Start)}-{Ms(earlier.End)}");
                }
            }
        }
        return violations;
    }

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0.#}ms";
}

using RingStore.Core.Consistency;

namespace RingStore.Simulation;

/// <summary>
/// The guarantees a run must keep, checked over its history in real (virtual) time. Only operations that finished
/// before another started are ordered; overlapping ones may see either outcome. A write of level W and a read of
/// level R are bound to meet when blockFor(W) + blockFor(R) &gt; RF (QUORUM + QUORUM, ONE + ALL, ...); pairs that
/// need not meet carry no obligation.
/// 1. No lost acknowledged write: a successful read that started after a write was acknowledged sees it or newer
///    (or nothing, if a newer delete had started by then).
/// 2. Deletes stay deleted: a read that started after a delete was acknowledged never sees an older value.
/// 3. Monotonic reads: a successful read that started after another successful read of the key ended sees at
///    least what that read saw (even if what it saw came from a write that failed or was never acknowledged).
/// Scans (<see cref="OperationKind.Scan"/>) are held to the same three rules, key by key; and
/// 4. A scan's blocking repair: when a page of a scan is answered, every replica that contributed to it already holds
///    what it returned (<see cref="ScanNotRepaired"/>, checked by the cluster at that moment).
/// The end-of-run checks (hints drained, every replica caught up) are in <see cref="CheckEndState"/>.
/// </summary>
public static class ConsistencyChecker
{
    public static IReadOnlyList<Violation> Check(IReadOnlyList<OperationRecord> history, int replicationFactor = 3)
    {
        ArgumentNullException.ThrowIfNull(history);
        var violations = new List<Violation>();
        foreach (var byKey in history.GroupBy(o => o.Key))
        {
            CheckKey(byKey.Key, byKey.ToList(), replicationFactor, violations);
        }
        return violations;
    }

    /// <summary>
    /// One key in a sweep over reads by start time: the acknowledged writes and deletes that ended before, and the
    /// reads that ended before, are folded in as the sweep passes them, keeping the newest per consistency level. The
    /// newest is all a rule needs (if any earlier value is violated, the newest is), so a long run costs n log n.
    /// </summary>
    private static void CheckKey(int key, List<OperationRecord> ops, int rf, List<Violation> violations)
    {
        var acked = ops.Where(o => o.IsWrite && o.Ok).OrderBy(o => o.End).ToList();
        var reads = ops.Where(o => !o.IsWrite && o.Ok).ToList(); // a scan's record of a key is a read of it
        var readsByEnd = reads.Where(r => r.Value != 0).OrderBy(r => r.End).ToList();
        var deletesByStart = ops.Where(o => o.Kind == OperationKind.Delete).OrderBy(o => o.Start).ToList();
        var newestDeleteStarted = new long[deletesByStart.Count];
        for (int i = 0; i < deletesByStart.Count; i++)
            newestDeleteStarted[i] = Math.Max(i == 0 ? long.MinValue : newestDeleteStarted[i - 1], deletesByStart[i].Value);
        // Seeing nothing is fine after value v when some delete newer than v had started by the time the read ended.
        bool deletedSince(long v, OperationRecord read)
        {
            int lo = 0, hi = deletesByStart.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) / 2;
                if (deletesByStart[mid].Start <= read.End) lo = mid + 1; else hi = mid;
            }
            return lo > 0 && newestDeleteStarted[lo - 1] > v;
        }

        var newestWrite = new Dictionary<ConsistencyLevel, OperationRecord>();
        var newestDelete = new Dictionary<ConsistencyLevel, OperationRecord>();
        var newestRead = new Dictionary<ConsistencyLevel, OperationRecord>();
        int nextAcked = 0, nextRead = 0;
        foreach (var read in reads.OrderBy(r => r.Start))
        {
            for (; nextAcked < acked.Count && acked[nextAcked].End < read.Start; nextAcked++)
                KeepNewest(acked[nextAcked].Kind == OperationKind.Delete ? newestDelete : newestWrite, acked[nextAcked]);
            for (; nextRead < readsByEnd.Count && readsByEnd[nextRead].End < read.Start; nextRead++)
                KeepNewest(newestRead, readsByEnd[nextRead]);

            var lost = NewestMeeting(newestWrite, read.Level, rf);
            if (lost is not null && lost.Value > read.Value && (read.Value != 0 || !deletedSince(lost.Value, read)))
            {
                violations.Add(new Violation(Violation.LostWrite, key, lost.Start, read.End,
                    $"key {key}: {Describe(read)} saw {Seen(read.Value)}, but the write of {lost.Value} at {lost.Level} was acknowledged at {Ms(lost.End)}"));
            }
            var resurrected = NewestMeeting(newestDelete, read.Level, rf);
            if (resurrected is not null && read.Value != 0 && read.Value < resurrected.Value)
            {
                violations.Add(new Violation(Violation.Resurrected, key, resurrected.Start, read.End,
                    $"key {key}: {Describe(read)} saw {read.Value}, but the delete at {resurrected.Value} ({resurrected.Level}) was acknowledged at {Ms(resurrected.End)}"));
            }
            var earlier = NewestMeeting(newestRead, read.Level, rf);
            if (earlier is not null && (read.Value == 0 ? !deletedSince(earlier.Value, read) : read.Value < earlier.Value))
            {
                violations.Add(new Violation(Violation.ReadWentBack, key, earlier.Start, read.End,
                    $"key {key}: {Describe(read)} saw {Seen(read.Value)}, going back from {earlier.Value} seen by the {earlier.Level} read at {Ms(earlier.Start)}-{Ms(earlier.End)}"));
            }
        }
    }

    private static void KeepNewest(Dictionary<ConsistencyLevel, OperationRecord> newest, OperationRecord op)
    {
        if (!newest.TryGetValue(op.Level, out var current) || op.Value > current.Value) newest[op.Level] = op;
    }

    /// <summary>The newest operation among the levels that must meet <paramref name="level"/>.</summary>
    private static OperationRecord? NewestMeeting(Dictionary<ConsistencyLevel, OperationRecord> newest, ConsistencyLevel level, int rf)
    {
        OperationRecord? best = null;
        foreach (var (other, op) in newest)
        {
            if (Meet(other, level, rf) && (best is null || op.Value > best.Value)) best = op;
        }
        return best;
    }

    /// <summary>
    /// After the drain tail (every fault healed, then time for hint replay): no hint is left undelivered, and every
    /// replica of a key holds every acknowledged write or delete of it, or something newer. A write whose coordinator
    /// crashed or lost its disk while the write was in flight is exempt from the second rule: it may have died before
    /// storing the hints it owed (Cassandra needs repair for those, as would we).
    /// </summary>
    public static IReadOnlyList<Violation> CheckEndState(IReadOnlyList<OperationRecord> history, IReadOnlyList<PendingHint> hintsLeft,
        Func<int, IReadOnlyDictionary<string, long>> replicaTimestamps, Func<OperationRecord, bool> coordinatorSteady, TimeSpan end)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(hintsLeft);
        ArgumentNullException.ThrowIfNull(replicaTimestamps);
        ArgumentNullException.ThrowIfNull(coordinatorSteady);
        var violations = new List<Violation>();
        foreach (var hint in hintsLeft)
        {
            violations.Add(new Violation(Violation.HintsNotDrained, hint.Key, hint.StoredAt, end,
                $"key {hint.Key}: {hint.Holder} still holds the hint (timestamp {hint.Timestamp}) for {hint.Target} stored at {Ms(hint.StoredAt)}, after every fault healed"));
        }
        foreach (var byKey in history.Where(o => o.IsWrite && o.Ok && coordinatorSteady(o)).GroupBy(o => o.Key))
        {
            var newest = byKey.MaxBy(o => o.Value)!;
            foreach (var (replica, latest) in replicaTimestamps(byKey.Key).OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                var missing = byKey.Where(o => o.Value > latest).MinBy(o => o.Start);
                if (missing is not null)
                {
                    violations.Add(new Violation(Violation.NotReplicated, byKey.Key, missing.Start, end,
                        $"key {byKey.Key}: replica {replica} ends at timestamp {(latest == long.MinValue ? "none" : latest)}, missing the {missing.Kind.ToString().ToLowerInvariant()} of {missing.Value} at {missing.Level} acknowledged at {Ms(missing.End)} via {missing.Coordinator} (newest acknowledged: {newest.Value})"));
                }
            }
        }
        return violations;
    }

    /// <summary>
    /// Hint durability: every hint a coordinator's hint store acknowledged as stored (its append completed: fsynced)
    /// was acknowledged by its target or is still held; one that is neither was lost by the store, whatever crashed.
    /// </summary>
    public static IReadOnlyList<Violation> HintsLost(IReadOnlyList<PendingHint> lost, TimeSpan end)
    {
        ArgumentNullException.ThrowIfNull(lost);
        return [.. lost.Select(h => new Violation(Violation.HintLost, h.Key, h.StoredAt, end,
            $"key {h.Key}: the hint (timestamp {h.Timestamp}) {h.Holder} stored for {h.Target} at {Ms(h.StoredAt)} was acknowledged as durable, never delivered, and is gone from its hint store"))];
    }

    /// <summary>
    /// Rule 4: the newest timestamp a scan returned for a key (a value or a tombstone) against what each replica that
    /// answered the page holds at the moment the page is answered; a violation for the first replica behind it.
    /// </summary>
    public static Violation? ScanNotRepaired(int key, long returned, IReadOnlyDictionary<string, long> replicaLatest, TimeSpan start, TimeSpan at, string coordinator)
    {
        ArgumentNullException.ThrowIfNull(replicaLatest);
        foreach (var (replica, latest) in replicaLatest.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (latest < returned)
                return new Violation(Violation.ScanNotRepaired, key, start, at,
                    $"key {key}: the scan page via {coordinator} answered at {Ms(at)} with timestamp {returned}, but replica {replica}, which answered it, holds only {(latest == long.MinValue ? "nothing" : latest)}");
        }
        return null;
    }

    /// <summary>Whether a write at <paramref name="write"/> and a read at <paramref name="read"/> must share a replica.</summary>
    public static bool Meet(ConsistencyLevel write, ConsistencyLevel read, int replicationFactor) =>
        BlockFor(write, replicationFactor) + BlockFor(read, replicationFactor) > replicationFactor;

    private static int BlockFor(ConsistencyLevel level, int rf) => level switch
    {
        ConsistencyLevel.One => 1,
        ConsistencyLevel.Two => 2,
        ConsistencyLevel.Three => 3,
        ConsistencyLevel.All => rf,
        ConsistencyLevel.Quorum or ConsistencyLevel.LocalQuorum or ConsistencyLevel.EachQuorum => rf / 2 + 1,
        _ => 0,
    };

    private static string Describe(OperationRecord read) => $"{read.Level} {(read.Kind == OperationKind.Scan ? "scan" : "read")} at {Ms(read.Start)}-{Ms(read.End)} via {read.Coordinator}";

    private static string Seen(long value) => value == 0 ? "nothing" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0.#}ms";
}

/// <summary>A hint still held at the end of a run.</summary>
public sealed record PendingHint(string Holder, string Target, int Key, long Timestamp, TimeSpan StoredAt);

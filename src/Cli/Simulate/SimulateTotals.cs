using RingStore.Core.Consistency;
using RingStore.Simulation;

namespace RingStore.Cli.Simulate;

/// <summary>What a set of simulation runs did, summed over seeds, for the summary <c>ringstore simulate</c> prints.</summary>
public sealed class SimulateTotals
{
    private readonly Dictionary<(OperationKind Kind, ConsistencyLevel Level), (long Ok, long Failed)> _operations = [];
    private readonly Dictionary<string, long> _faults = new(StringComparer.Ordinal);
    private readonly List<string> _faultOrder = [];

    public IReadOnlyDictionary<(OperationKind Kind, ConsistencyLevel Level), (long Ok, long Failed)> Operations => _operations;
    public IEnumerable<(string Kind, long Count)> Faults => _faultOrder.Select(k => (k, _faults[k]));
    public long OperationCount { get; private set; }
    public long Violations { get; private set; }
    public long Unavailable { get; private set; }
    public long Mismatches { get; private set; }
    public long Repairs { get; private set; }
    public long HintsStored { get; private set; }
    public long HintsLeft { get; private set; }
    public long Events { get; private set; }
    /// <summary>The storage engines' work: flushes, compactions, commit-log entries replayed at restarts, disk-policy stops.</summary>
    public long Flushes { get; private set; }
    public long Compactions { get; private set; }
    public long Replayed { get; private set; }
    public long DiskStops { get; private set; }
    public TimeSpan SimulatedTime { get; private set; }
    public ulong LastHash { get; private set; }

    public void Add(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var op in result.History)
        {
            _operations.TryGetValue((op.Kind, op.Level), out var counts);
            _operations[(op.Kind, op.Level)] = op.Ok ? (counts.Ok + 1, counts.Failed) : (counts.Ok, counts.Failed + 1);
        }
        foreach (var (kind, count) in result.Stats.Faults)
        {
            if (!_faults.ContainsKey(kind)) _faultOrder.Add(kind);
            _faults[kind] = _faults.GetValueOrDefault(kind) + count;
        }
        // A scan is one client operation, however many keys its history records cover (those are the "Scan" rows).
        OperationCount += result.History.Count(o => o.Kind != OperationKind.Scan) + result.Stats.Scans;
        Violations += result.Violations.Count;
        Unavailable += result.Stats.Unavailable;
        Mismatches += result.Stats.DigestMismatches;
        Repairs += result.Stats.ReadRepairs;
        HintsStored += result.Stats.HintsStored;
        Flushes += result.Stats.Flushes;
        Compactions += result.Stats.Compactions;
        Replayed += result.Stats.ReplayedEntries;
        DiskStops += result.Stats.DiskStops;
        HintsLeft += result.Stats.HintsLeft;
        Events += result.Stats.Events;
        SimulatedTime += result.SimulatedTime;
        LastHash = result.EventLogHash;
    }
}

using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Reads;
using RingStore.Gossip.Ring;

namespace RingStore.Coordination.Operations;

/// <summary>
/// One request of a token-range scan to the replicas of one vnode piece, as a pure state machine: every contact is
/// asked for data (no digests, no speculation), a contact that fails is replaced by the next spare live replica, the
/// answers are trimmed to the earliest point every replica covered (<see cref="RangeReplyCut"/>), merged with the
/// merge rule, and when more than one replica answered each one is sent what it lacks of the merged partitions and
/// the answer waits for every ack (blocking read repair, so a QUORUM scan never returns data a later QUORUM read could
/// miss). Events in: start, a replica's answer / failure / refusal, a repair's ack or failure. Effects out: ask,
/// repair, answer. No I/O, clock or threads: the node's <c>RangeReadCoordinator</c> drives it (per replica timeouts
/// are its messaging's). Not thread-safe: the driver serializes events.
/// </summary>
/// <remarks>
/// Each contact is a slot that ends answered or failed (it and every spare it took failed). Once no slot is open:
/// a failed slot fails the piece with a ReadFailure carrying each replica's reason when one answered with an error,
/// else a ReadTimeout, with the number of slots answered. A refusal (a guardrail) fails it at once: another replica
/// holds the same tombstones. A failed repair fails it with the repair's error once every repair has settled.
/// </remarks>
public sealed class RangeReadOperation
{
    private enum Phase { NotStarted, Round, Repair, Done }

    private readonly ReadPlan _plan;
    private readonly string _table;
    private readonly Queue<NodeInfo> _spares;
    private readonly Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
    private readonly (string Endpoint, IReadOnlyList<MergedPartitionData> Partitions, RangePosition? Resume)?[] _answers;
    private readonly bool[] _failed;
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);
    private readonly HashSet<int> _repairsPending = [];
    private Phase _phase;
    private int _open;
    private Exception? _repairError;
    private List<MergedPartitionData>? _merged;
    private RangePosition? _cut;

    /// <param name="plan">Contacts and every live candidate (the spares), from <see cref="ReplicaPlanner.PlanRead"/>.</param>
    /// <param name="table">The table read (repairs are written to it).</param>
    public RangeReadOperation(ReadPlan plan, string table)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(table);
        _plan = plan;
        _table = table;
        _spares = new Queue<NodeInfo>(plan.Candidates.Where(c => !plan.Contacts.Contains(c)));
        _answers = new (string, IReadOnlyList<MergedPartitionData>, RangePosition?)?[plan.Contacts.Count];
        _failed = new bool[plan.Contacts.Count];
    }

    /// <summary>Whether the caller has been answered.</summary>
    public bool Answered => _phase == Phase.Done;

    public IReadOnlyList<RangeReadEffect> Start()
    {
        if (_phase != Phase.NotStarted) throw new InvalidOperationException("A range read operation starts once.");
        _phase = Phase.Round;
        _open = _plan.Contacts.Count;
        var effects = new List<RangeReadEffect>();
        for (int i = 0; i < _plan.Contacts.Count; i++)
        {
            _slotOf[_plan.Contacts[i].Endpoint] = i;
            effects.Add(new RangeReadEffect.Ask(_plan.Contacts[i]));
        }
        if (_open == 0) Finish(effects);
        return effects;
    }

    /// <summary>
    /// A replica answered: its partitions in (token, key) order, and <paramref name="resume"/> when it stopped at its
    /// row or byte limit before the end of the request (it said nothing past that point).
    /// </summary>
    public IReadOnlyList<RangeReadEffect> OnResponse(string endpoint, IReadOnlyList<MergedPartitionData> partitions, RangePosition? resume)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        if (_phase != Phase.Round || !TakeSlot(endpoint, out int slot)) return [];
        _answers[slot] = (endpoint, partitions, resume);
        _open--;
        var effects = new List<RangeReadEffect>();
        if (_open == 0) Finish(effects);
        return effects;
    }

    /// <summary>
    /// A replica failed: <paramref name="error"/> is its error answer (corrupt SSTable, I/O error), null when it did not
    /// answer (timeout, lost connection). The next spare replica is asked in its place.
    /// </summary>
    public IReadOnlyList<RangeReadEffect> OnFailure(string endpoint, string? error)
    {
        if (_phase != Phase.Round || !TakeSlot(endpoint, out int slot)) return [];
        if (error is not null) _errors[endpoint] = error;
        var effects = new List<RangeReadEffect>();
        if (_spares.Count > 0)
        {
            var next = _spares.Dequeue();
            _slotOf[next.Endpoint] = slot;
            effects.Add(new RangeReadEffect.Ask(next));
            return effects;
        }
        _failed[slot] = true;
        _open--;
        if (_open == 0) Finish(effects);
        return effects;
    }

    /// <summary>A replica refused the read (a guardrail): the piece fails with <paramref name="refusal"/> at once.</summary>
    public IReadOnlyList<RangeReadEffect> OnRefused(string endpoint, Exception refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        if (_phase != Phase.Round || !_slotOf.ContainsKey(endpoint)) return [];
        _phase = Phase.Done;
        return [new RangeReadEffect.Answer([], null, refusal)];
    }

    /// <summary>A replica acknowledged the repair <paramref name="id"/>.</summary>
    public IReadOnlyList<RangeReadEffect> OnRepairAcked(int id) => RepairSettled(id, null);

    /// <summary>A repair failed (error answer, timeout): the piece fails with <paramref name="error"/> once every repair settled.</summary>
    public IReadOnlyList<RangeReadEffect> OnRepairFailed(int id, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return RepairSettled(id, error);
    }

    /// <summary>The slot <paramref name="endpoint"/> was asked for, if it is still waiting for that replica.</summary>
    private bool TakeSlot(string endpoint, out int slot)
    {
        if (!_slotOf.Remove(endpoint, out slot)) return false;
        return _answers[slot] is null && !_failed[slot];
    }

    private IReadOnlyList<RangeReadEffect> RepairSettled(int id, Exception? error)
    {
        if (_phase != Phase.Repair || !_repairsPending.Remove(id)) return [];
        _repairError ??= error;
        if (_repairsPending.Count > 0) return [];
        _phase = Phase.Done;
        return [_repairError is null ? new RangeReadEffect.Answer(_merged!, _cut, null) : new RangeReadEffect.Answer([], null, _repairError)];
    }

    /// <summary>Every slot settled: fail, or merge and repair, or answer.</summary>
    private void Finish(List<RangeReadEffect> effects)
    {
        if (_failed.Any(f => f))
        {
            // Every replica asked has answered (or given up at its timeout): the counts are what happened.
            int received = _answers.Count(a => a is not null);
            _phase = Phase.Done;
            Exception error = _errors.Count > 0
                ? new ReadFailureException(_plan.Consistency, received, _plan.BlockFor, received > 0, new Dictionary<string, string>(_errors, StringComparer.Ordinal))
                : new ReadTimeoutException(_plan.Consistency, received, _plan.BlockFor, received > 0);
            effects.Add(new RangeReadEffect.Answer([], null, error));
            return;
        }
        var answers = _answers.Select(a => a!.Value).ToArray();

        // A replica cut at its row or byte limit said nothing past its resume position: merge only up to the earliest one.
        _cut = RangeReplyCut.Earliest(answers.Select(a => a.Resume));
        var trimmed = answers.Select(a => RangeReplyCut.Trim(a.Partitions, _cut)).ToList();
        _merged = trimmed.SelectMany(d => d)
            .GroupBy(p => Convert.ToHexString(p.Key), StringComparer.Ordinal)
            .Select(g => Merge(g.ToList()))
            .OrderBy(p => p.Token)
            .ThenBy(p => p.Key, ByteArrayComparer.Instance)
            .ToList();
        if (answers.Length > 1) AddRepairs(effects, answers.Select(a => a.Endpoint).ToList(), trimmed);
        if (_repairsPending.Count > 0)
        {
            _phase = Phase.Repair;
            return;
        }
        _phase = Phase.Done;
        effects.Add(new RangeReadEffect.Answer(_merged, _cut, null));
    }

    /// <summary>
    /// What each replica lacks of the merged partitions. Every answer was trimmed to the earliest cut, so all cover the
    /// same span and a partition or row missing from an answer is missing on that replica. One repair per replica and
    /// partition, each with its own id to wait for.
    /// </summary>
    private void AddRepairs(List<RangeReadEffect> effects, IReadOnlyList<string> endpoints, IReadOnlyList<List<MergedPartitionData>> answers)
    {
        var byKey = answers.Select(a => a.ToDictionary(p => Convert.ToHexString(p.Key), StringComparer.Ordinal)).ToList();
        foreach (var partition in _merged!)
        {
            string key = Convert.ToHexString(partition.Key);
            bool repaired = false;
            for (int i = 0; i < endpoints.Count; i++)
            {
                var diff = RepairDiff.For(_table, partition.Key, partition, partition.Rows, byKey[i].GetValueOrDefault(key), reversed: false);
                if (diff is null) continue;
                int id = _repairsPending.Count;
                effects.Add(new RangeReadEffect.SendRepair(id, endpoints[i], diff));
                _repairsPending.Add(id);
                repaired = true;
            }
            if (repaired) effects.Add(new RangeReadEffect.PartitionRepaired(partition.Key));
        }
    }

    private static MergedPartitionData Merge(IReadOnlyList<MergedPartitionData> versions)
    {
        if (versions.Count == 1) return versions[0];
        var merged = PartitionMerger.Merge(versions.Select(v => new PartitionSnapshot(v.Key, v.Token, v.PartitionDeletion, v.RangeTombstones, v.Rows)).ToList(), reversed: false)!;
        return new MergedPartitionData(merged.Key, merged.Token, merged.PartitionDeletion, merged.RangeTombstones.Distinct().ToList(),
            merged.Rows.Where(r => !r.IsEmpty).ToList());
    }
}

namespace RingStore.Simulation;

/// <summary>Counters that show a run exercised the paths it claims to (repairs, speculation, timeouts, faults...).</summary>
public sealed class SimulationStats
{
    public long Unavailable { get; set; }
    public long WriteTimeouts { get; set; }
    public long ReadTimeouts { get; set; }
    public long DigestMismatches { get; set; }
    public long ReadRepairs { get; set; }
    public long Scans { get; set; }
    public long ScansCompleted { get; set; }
    public long ScanPages { get; set; }
    public long ScanRepairs { get; set; }
    public long SpeculativeRetries { get; set; }
    public long Kills { get; set; }
    public long Partitions { get; set; }
    public long OneWayPartitions { get; set; }
    public long Pauses { get; set; }
    public long DiskFaults { get; set; }
    public long MessagesLost { get; set; }
    public long MessagesDuplicated { get; set; }
    public long HintsStored { get; set; }
    public long HintsLeft { get; set; }
    /// <summary>Hints the nodes' hint stores recorded as delivered (acknowledged by their target).</summary>
    public long HintsDelivered { get; set; }
    /// <summary>Damaged hint-log regions the hint stores cut or skipped when reopening after a crash.</summary>
    public long HintLogRegionsCut { get; set; }
    public long Events { get; set; }
    /// <summary>Commit-log entries the engines replayed when nodes restarted.</summary>
    public long ReplayedEntries { get; set; }
    /// <summary>Times a node's disk failure policy stopped it.</summary>
    public long DiskStops { get; set; }
    /// <summary>Memtable flushes and compactions the engines ran.</summary>
    public long Flushes { get; set; }
    public long Compactions { get; set; }
    /// <summary>Topology changes begun (joins, decommissions) and partitions streamed by them.</summary>
    public long Joins { get; set; }
    public long Leaves { get; set; }
    public long StreamedPartitions { get; set; }
    /// <summary>Anti-entropy repairs run, and the rows they wrote to replicas that lacked them.</summary>
    public long Repairs { get; set; }
    public long RepairRowsSent { get; set; }

    /// <summary>Faults injected, by kind (crash, pause, partition, one-way partition, disk; messages lost and duplicated).</summary>
    public IReadOnlyList<(string Kind, long Count)> Faults =>
    [
        ("crash", Kills), ("pause", Pauses), ("partition (two-way)", Partitions), ("partition (one-way)", OneWayPartitions),
        ("disk failure", DiskFaults), ("message lost or cut off", MessagesLost), ("message duplicated", MessagesDuplicated),
        ("join", Joins), ("leave", Leaves), ("repair", Repairs),
    ];

    public override string ToString() =>
        $"unavailable={Unavailable} writeTimeouts={WriteTimeouts} readTimeouts={ReadTimeouts} mismatches={DigestMismatches} " +
        $"repairs={ReadRepairs} scans={ScansCompleted}/{Scans} scanPages={ScanPages} scanRepairs={ScanRepairs} speculative={SpeculativeRetries} kills={Kills} partitions={Partitions}+{OneWayPartitions} pauses={Pauses} " +
        $"disk={DiskFaults} lost={MessagesLost} duplicated={MessagesDuplicated} hints={HintsStored} hintsDelivered={HintsDelivered} hintsLeft={HintsLeft} hintCuts={HintLogRegionsCut} events={Events} " +
        $"replayed={ReplayedEntries} diskStops={DiskStops} flushes={Flushes} compactions={Compactions} " +
        $"joins={Joins} leaves={Leaves} streamed={StreamedPartitions} antiEntropyRepairs={Repairs} repairRows={RepairRowsSent}";
}

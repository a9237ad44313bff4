using RingStore.Core.Consistency;

namespace RingStore.Simulation;

/// <summary>
/// One simulated run. Fault rates are drawn per seed inside the ranges below so many seeds cover calm and rough
/// clusters. The bug switches (planted bugs) exist to prove the checker catches what it claims to; they live in the
/// simulation's drivers, never in product code.
/// </summary>
public sealed record SimulationOptions(int Seed)
{
    public int NodeCount { get; init; } = 5;
    public int ReplicationFactor { get; init; } = 3;
    public int TokensPerNode { get; init; } = 4;
    public int ClientCount { get; init; } = 3;
    public int KeyCount { get; init; } = 2;
    /// <summary>How long clients issue operations and faults are injected; the drain tail follows.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Levels a write picks from (uniformly; repeat one to weight it).</summary>
    public IReadOnlyList<ConsistencyLevel> WriteLevels { get; init; } = [ConsistencyLevel.Quorum];
    /// <summary>Levels a read picks from.</summary>
    public IReadOnlyList<ConsistencyLevel> ReadLevels { get; init; } = [ConsistencyLevel.Quorum];
    /// <summary>Share of writes that delete the row instead (a row tombstone at the next timestamp).</summary>
    public double DeleteProbability { get; init; }

    /// <summary>Share of client operations that are token-range scans (0: none, and the random draws of older runs are unchanged).</summary>
    public double ScanProbability { get; init; }
    /// <summary>Share of scans that cover the whole ring; the others cover a random token range around one key's token.</summary>
    public double WholeRingScanProbability { get; init; } = 0.25;
    /// <summary>Levels a scan picks from.</summary>
    public IReadOnlyList<ConsistencyLevel> ScanLevels { get; init; } = [ConsistencyLevel.Quorum];
    /// <summary>Rows a range replica returns per reply (small, so pages and cut replies happen with few keys).</summary>
    public int RangeRowsPerRequest { get; init; } = 1;
    /// <summary>How long a client waits for a whole scan (dozens of pages one after another: longer than a single read's deadline).</summary>
    public TimeSpan ScanClientTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>The faults this run may inject.</summary>
    public SimFaults Faults { get; init; } = SimFaults.Crash | SimFaults.Partition | SimFaults.Loss | SimFaults.Reorder;
    /// <summary>Null: drawn from the seed.</summary>
    public LatencyDistribution? Latency { get; init; } = LatencyDistribution.Uniform;

    public double MaxLossProbability { get; init; } = 0.12;
    public double MaxDuplicateProbability { get; init; } = 0.05;
    public TimeSpan MinDelay { get; init; } = TimeSpan.FromMilliseconds(1);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(15);
    /// <summary>Share of messages that are slow (50..150 ms): drives reordering, speculative retries and timeouts.</summary>
    public double SlowMessageProbability { get; init; } = 0.05;

    public TimeSpan FaultInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    public double MaxKillProbability { get; init; } = 0.25;
    public double MaxPartitionProbability { get; init; } = 0.15;
    public double MaxPauseProbability { get; init; } = 0.15;
    public double MaxDiskFaultProbability { get; init; } = 0.1;
    /// <summary>Per fault interval, with <see cref="SimFaults.Join"/> / <see cref="SimFaults.Leave"/>: the chance a join or decommission begins.</summary>
    public double MaxJoinProbability { get; init; } = 0.1;
    public double MaxLeaveProbability { get; init; } = 0.1;
    /// <summary>Per fault interval, with <see cref="SimFaults.Repair"/>: the chance a repair of one vnode range begins.</summary>
    public double MaxRepairProbability { get; init; } = 0.2;

    /// <summary>
    /// Liveness from the real <c>Gossiper</c> and phi-accrual failure detector (src/Gossip) on virtual time, at
    /// <see cref="GossipInterval"/> with the detector scaled to it; false: the older "heard within ConvictAfter" pings.
    /// </summary>
    public bool UseGossip { get; init; } = true;
    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromMilliseconds(50);
    /// <summary>phi threshold of the scaled detector (the product's default is 4 at 200 ms).</summary>
    public double PhiConvictThreshold { get; init; } = 4.0;

    public TimeSpan PingInterval { get; init; } = TimeSpan.FromMilliseconds(50);
    /// <summary>A peer not heard from for this long is seen down (a crude failure detector: views lag the truth).</summary>
    public TimeSpan ConvictAfter { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan HintReplayInterval { get; init; } = TimeSpan.FromMilliseconds(150);
    /// <summary>Longer than any fault lasts, so every replica that missed a write while down is owed a hint.</summary>
    public TimeSpan HintWindow { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan DefaultSpeculativeThreshold { get; init; } = TimeSpan.FromMilliseconds(40);
    /// <summary>After the last fault has healed: the time every hint must be delivered in.</summary>
    public TimeSpan DrainTail { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Each node stores its data in the real StorageEngine over its own in-memory file system (commit log, memtables,
    /// SSTables, flush, compaction, replay after a crash); false: the in-memory model store (SimReplicaStore).
    /// </summary>
    public bool RealStorage { get; init; } = true;
    /// <summary>A node's memtable is flushed to an SSTable at this size (small, so short runs flush and compact).</summary>
    public long MemtableFlushThresholdBytes { get; init; } = 4 * 1024;
    /// <summary>
    /// A node's commit-log cap (commitlog_total_space): past it the engine flushes the tables pinning the oldest part
    /// and releases it. Small, because the workload overwrites a few keys (memtables stay small; the log grows).
    /// </summary>
    public long CommitLogSpaceBytes { get; init; } = 2 * 1024;
    /// <summary>How often a node runs its engine's background work (flush, commit-log release, compaction).</summary>
    public TimeSpan BackgroundStepInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Keep every event's text (for the trace of a violation); the log's hash is kept either way.</summary>
    public bool RecordTrace { get; init; }

    /// <summary>Planted bug: answer a digest mismatch without writing the resolved data back (reads can go backwards).</summary>
    public bool DisableReadRepair { get; init; }

    /// <summary>Planted bug: send read repairs but answer without waiting for their acks (non-blocking read repair).</summary>
    public bool AnswerBeforeRepairAcks { get; init; }

    /// <summary>Planted bug: a scan's read repairs are not sent but counted as acknowledged (replicas stay behind what the scan returned).</summary>
    public bool SkipRangeReadRepair { get; init; }

    /// <summary>Planted bug: a scan sends its read repairs but answers without waiting for their acks.</summary>
    public bool AnswerRangeBeforeRepairAcks { get; init; }

    /// <summary>Planted bug: a scan plans every piece at ONE whatever its level (a QUORUM scan can miss a QUORUM write).</summary>
    public bool ScanReadsOneReplica { get; init; }

    /// <summary>Planted bug: acknowledge QUORUM writes after this many acks (1 loses acknowledged writes).</summary>
    public int? WriteBlockForOverride { get; init; }

    /// <summary>Planted bug: a replica planned down at the write's start gets no hint (the write tells the machine it was not stored).</summary>
    public bool SkipHintForDownReplica { get; init; }

    /// <summary>Planted bug: nodes store hints but never replay them (the drain check must notice).</summary>
    public bool SkipHintReplay { get; init; }

    /// <summary>
    /// Planted bug: the hint logs' fsyncs are acknowledged but do nothing (a disk that lies about its write cache), so
    /// a hint the store acknowledged as durable can vanish when its coordinator crashes before delivering it.
    /// </summary>
    public bool HintsNotSynced { get; init; }

    /// <summary>
    /// With joins or leaves on: once the faults are over (and a second for hints), repair every range before the end
    /// state is checked, as an operator does after ring changes (a hint owed to a replica that then lost the range is
    /// delivered to that replica, not to the range's new owner: only repair brings the new owner that write).
    /// </summary>
    public bool FinalRepair { get; init; } = true;

    /// <summary>Planted bug: a repair compares trees and fetches the differing rows but writes nothing back (replicas stay apart).</summary>
    public bool SkipRepairWrites { get; init; }

    /// <summary>Planted bug: a join or decommission switches the ring without streaming (the gaining node starts empty).</summary>
    public bool SkipStreaming { get; init; }

    /// <summary>Planted bug: writes ignore pending ranges (a joining node misses the writes made while it streams).</summary>
    public bool IgnorePendingRanges { get; init; }

    /// <summary>The longest a single fault lasts (kill to restart, pause, partition, disk failure).</summary>
    public static TimeSpan LongestFault { get; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>Everything the CLI's runs inject, at every level, with deletes: the whole fault model.</summary>
    public static SimulationOptions Everything(int seed) => new(seed)
    {
        WriteLevels = [ConsistencyLevel.Quorum, ConsistencyLevel.Quorum, ConsistencyLevel.One, ConsistencyLevel.All],
        ReadLevels = [ConsistencyLevel.Quorum, ConsistencyLevel.Quorum, ConsistencyLevel.One, ConsistencyLevel.All],
        DeleteProbability = 0.15,
        ScanProbability = 0.1,
        ScanLevels = [ConsistencyLevel.Quorum, ConsistencyLevel.Quorum, ConsistencyLevel.One, ConsistencyLevel.All],
        Faults = SimFaults.All,
        Latency = null,
    };
}

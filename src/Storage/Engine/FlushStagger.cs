namespace RingStore.Storage.Engine;

/// <summary>
/// A per-node, deterministic offset of the flush triggers, so replicas that receive the same writes do not all
/// flush (and then compact) the same data in the same second: in an RF-3 cluster the three replicas' memtables fill at
/// the same rate, and with one threshold they flushed together, the seconds in which the paced p99 of the cluster
/// benchmark went from tens to hundreds of milliseconds (issue 20). From a seed (the node's host id) comes u in
/// [-1, 1]; a table's memtable flush threshold is scaled by 1 + f x u (f = <see cref="StorageEngineOptions.FlushStaggerFraction"/>),
/// and the limits that are caps (the memory cleanup mark, the commit-log size that triggers flushes) by
/// 1 - f x (1 + u) / 2, in [1 - f, 1], so a cap is never exceeded. The first flush of each node then comes at a different
/// size and later ones drift further apart. Pure; what is stored does not change, only when flushes happen.
/// </summary>
public static class FlushStagger
{
    /// <summary>The node's offset u in [-1, 1] from its seed (SplitMix64, so neighbouring seeds land far apart).</summary>
    public static double Offset(long seed)
    {
        ulong z = unchecked((ulong)seed + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return ((z >> 11) * (1.0 / (1UL << 53)) * 2) - 1; // 53 random bits -> [0, 1) -> [-1, 1)
    }

    /// <summary>The factor on a threshold: 1 + f x u, in [1 - f, 1 + f].</summary>
    public static double ThresholdFactor(long seed, double fraction) => 1 + (fraction * Offset(seed));

    /// <summary>The factor on a cap: 1 - f x (1 + u) / 2, in [1 - f, 1].</summary>
    public static double CapFactor(long seed, double fraction) => 1 - (fraction * (1 + Offset(seed)) / 2);

    /// <summary>The options with the node's offset applied to the flush triggers (unchanged when the fraction is 0).</summary>
    public static StorageEngineOptions Apply(StorageEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        double f = options.FlushStaggerFraction;
        if (!(f >= 0 && f < 1))
            throw new ArgumentOutOfRangeException(nameof(options), f, "FlushStaggerFraction must be in [0, 1).");
        if (f == 0) return options;
        double threshold = ThresholdFactor(options.FlushStaggerSeed, f), cap = CapFactor(options.FlushStaggerSeed, f);
        return options with
        {
            MemtableFlushThresholdBytes = Math.Max(1, (long)(options.MemtableFlushThresholdBytes * threshold)),
            MemtableCleanupFraction = options.MemtableCleanupFraction * cap,
            CommitLogTotalSpaceBytes = Math.Max(1, (long)(options.CommitLogTotalSpaceBytes * cap)),
            FlushStaggerFraction = 0, // applied: applying again changes nothing
        };
    }
}

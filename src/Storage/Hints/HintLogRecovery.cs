using Microsoft.Extensions.Logging;
using RingStore.Storage.CommitLog;

namespace RingStore.Storage.Hints;

/// <summary>What opening one hint log found: undelivered entries, damaged regions, and the ranges replay must jump over.</summary>
internal sealed record HintLogRecovery(long PendingCount, long PendingBytes, int CorruptRegions, List<AddressRange> Skip)
{
    /// <summary>
    /// Scans the committed, undelivered part of the log once. Unlike the commit log, nothing here stops startup:
    /// hints are best-effort repair, so every damaged region is skipped with a warning and counted.
    /// - Torn tail (damage with no valid entry after it): cut and remembered in the commit log's cut-ranges file
    ///   (<see cref="CutRangesFile"/>, "commitlog.cut" in the target's directory), because FasterLog appends after
    ///   the damaged bytes and a later open would otherwise have to resynchronise through them.
    /// - Damage followed by valid entries: skipped (in memory) until replay delivers past it and it is truncated away.
    /// </summary>
    public static HintLogRecovery Run(HintLog log, ILogger logger)
    {
        long begin = log.DeliveredUntil, until = log.CommittedUntil;
        var cuts = LoadCuts(log.FileSystem, log.Directory, logger);
        int cutsBefore = cuts.Count;
        cuts.RemoveAll(r => r.End <= begin); // delivered space: nothing left to skip there

        long pendingCount = 0, pendingBytes = 0, lastValid = -1;
        var regions = new List<ScanItem>();
        foreach (var item in log.Scanner.Scan(begin, until, cuts))
        {
            if (!item.IsCorrupt)
            {
                pendingCount++;
                pendingBytes += item.Payload.Length;
                lastValid = item.Position;
            }
            else if (regions.Count > 0 && regions[^1].End == item.Position)
                regions[^1] = regions[^1] with { End = item.End }; // one damaged stretch, reported once
            else
                regions.Add(item);
        }

        var skip = new List<AddressRange>(cuts);
        int corrupt = 0;
        foreach (var region in regions.Where(r => r.Position < lastValid))
        {
            var (file, offset) = log.Locate(region.Position);
            logger.LogWarning("Skipping corrupt hint at {File} offset {Offset} ({Bytes} bytes): {Reason}. The hints in it are lost.",
                file, offset, region.End - region.Position, region.Reason);
            skip.Add(new AddressRange(region.Position, region.End));
            corrupt++;
        }

        var torn = regions.FirstOrDefault(r => r.Position > lastValid);
        if (torn.IsCorrupt)
        {
            var cut = new AddressRange(torn.Position, until);
            var (file, offset) = log.Locate(cut.Start);
            logger.LogWarning("Hint log has a torn tail at {File} offset {Offset}: cutting off {Bytes} bytes ({Reason}).",
                file, offset, cut.End - cut.Start, torn.Reason);
            cuts.Add(cut);
            skip.Add(cut);
            corrupt++;
        }

        if (cuts.Count != cutsBefore || torn.IsCorrupt)
            SaveCuts(log.FileSystem, log.Directory, cuts, logger);
        skip.Sort((a, b) => a.Start.CompareTo(b.Start));
        return new HintLogRecovery(pendingCount, pendingBytes, corrupt, skip);
    }

    private static List<AddressRange> LoadCuts(IO.IStorageFileSystem fs, string directory, ILogger logger)
    {
        try
        {
            return CutRangesFile.Load(fs, directory);
        }
        catch (Exception ex) when (ex is CommitLogCorruptionException or IOException)
        {
            // Without the record a cut torn tail looks like mid-log damage, which we skip anyway.
            logger.LogWarning(ex, "Ignoring unreadable cut-ranges file in hint log {Directory}", directory);
            return [];
        }
    }

    private static void SaveCuts(IO.IStorageFileSystem fs, string directory, List<AddressRange> cuts, ILogger logger)
    {
        try
        {
            CutRangesFile.Save(fs, directory, cuts);
        }
        catch (IOException ex)
        {
            logger.LogWarning(ex, "Could not record the cut torn tail of hint log {Directory}; the next open will skip it again", directory);
        }
    }
}

using Microsoft.Extensions.Logging;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// Startup verification: scans the whole committed log once and decides what each corrupt region is.
/// - Torn tail: damage with no valid entry after it (the last write(s) before a crash or a damaged end of the last
///   segment). Cut off with a warning and remembered in <see cref="CutRangesFile"/> so later opens skip it silently.
/// - Mid-log corruption: damage followed by valid entries. Acknowledged writes would be lost, so startup stops with
///   <see cref="CommitLogCorruptionException"/> unless the operator set SkipCorruptEntries.
/// </summary>
internal static class RecoveryCheck
{
    /// <returns>Address ranges Replay must jump over (persisted cuts plus, when allowed, skipped corrupt entries).</returns>
    public static List<AddressRange> Run(
        LogScanner scanner, long begin, long until, IO.IStorageFileSystem fs, string directory, CommitLogOptions options,
        Func<long, (string File, long Offset)> locate, ILogger logger)
    {
        var cuts = CutRangesFile.Load(fs, directory);
        int cutsBefore = cuts.Count;
        cuts.RemoveAll(r => r.End <= begin); // released space: nothing left to skip there

        var regions = new List<ScanItem>();
        long lastValidEntry = -1;
        foreach (var item in scanner.Scan(begin, until, cuts))
        {
            if (!item.IsCorrupt)
            {
                lastValidEntry = item.Position;
                continue;
            }
            if (regions.Count > 0 && regions[^1].End == item.Position)
                regions[^1] = regions[^1] with { End = item.End }; // one damaged stretch, reported once
            else
                regions.Add(item);
        }

        var skip = new List<AddressRange>(cuts);
        var middle = regions.Where(r => r.Position < lastValidEntry).ToList();
        var torn = regions.Where(r => r.Position > lastValidEntry).ToList();

        foreach (var region in middle)
        {
            var (file, offset) = locate(region.Position);
            if (!options.SkipCorruptEntries)
                throw new CommitLogCorruptionException(file, offset, region.Reason);
            logger.LogWarning(
                "Skipping corrupt commit-log entry at {File} offset {Offset} ({Bytes} bytes): {Reason}. Writes in it are lost.",
                file, offset, region.End - region.Position, region.Reason);
            skip.Add(new AddressRange(region.Position, region.End));
        }

        if (torn.Count > 0)
        {
            var cut = new AddressRange(torn[0].Position, until);
            var (file, offset) = locate(cut.Start);
            logger.LogWarning(
                "Commit log has a torn tail at {File} offset {Offset}: cutting off {Bytes} bytes ({Reason}).",
                file, offset, cut.End - cut.Start, torn[0].Reason);
            cuts.Add(cut);
            skip.Add(cut);
        }

        if (cuts.Count != cutsBefore || torn.Count > 0)
            CutRangesFile.Save(fs, directory, cuts);

        skip.Sort((a, b) => a.Start.CompareTo(b.Start));
        return skip;
    }
}

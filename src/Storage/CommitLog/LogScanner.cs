using FASTER.core;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// Walks the committed part of a FasterLog and reports, in address order, every valid entry and every corrupt region.
/// It never throws on bad data: classifying a region as torn tail or mid-log corruption is the caller's job.
///
/// Detection, layer by layer:
/// - FasterLog's iterator throws on a bad per-entry checksum (pages read from disk), an impossible length, or a page
///   that is all zeros; the region then starts where the next entry was expected.
/// - Our XxHash32 frame (<see cref="EntryCodec"/>) catches what FasterLog does not verify (the in-memory tail page).
/// - Address continuity: each entry must start where the previous one ended, except for FasterLog's zero padding at
///   a page end; a jump elsewhere means bytes were skipped (e.g. a corrupted length field) and is reported.
///
/// Resynchronisation after a FasterLog error: entries never span pages, so the next page start is always a valid
/// place to resume. We first try the cheaper precise skip (the stored length, if it fits in the page), which loses
/// only the damaged entry when just its payload is bad.
/// </summary>
internal sealed class LogScanner(FasterLog log, int pageSizeBits)
{
    private long PageSize => 1L << pageSizeBits;

    private long NextPageStart(long address) => ((address >> pageSizeBits) + 1) << pageSizeBits;

    public IEnumerable<ScanItem> Scan(long from, long until, IReadOnlyList<AddressRange> skip)
    {
        long expected = from;
        while (expected < until)
        {
            expected = JumpOverSkipped(expected, skip);
            if (expected >= until)
                yield break;

            using var iterator = log.Scan(expected, until, scanBufferingMode: ScanBufferingMode.SinglePageBuffering);
            bool restart = false;
            while (!restart)
            {
                bool hasNext;
                byte[] entry = [];
                int length = 0;
                long address = 0, next = 0;
                string? faster = null;
                try
                {
                    hasNext = iterator.GetNext(out entry, out length, out address, out next);
                }
                catch (FasterException ex)
                {
                    hasNext = false;
                    faster = ex.Message;
                }

                if (faster is not null && InSkipped(expected, skip))
                {
                    restart = true; // known bad bytes; JumpOverSkipped moves past them
                    continue;
                }
                if (faster is not null)
                {
                    long resume = Math.Min(until, ResumeAfterBadEntry(expected, until));
                    yield return ScanItem.Corrupt(expected, resume, "FasterLog: " + faster);
                    expected = resume;
                    restart = true;
                    continue;
                }

                if (!hasNext)
                {
                    // The iterator stops at the committed end; stopping earlier means it ran into zeros (for example a
                    // truncated segment file), which is legitimate only as padding before a page-aligned end.
                    if (expected < until && !IsPaddingJump(expected, until))
                        yield return ScanItem.Corrupt(expected, until, "log ends early (zeroed or truncated data)");
                    yield break;
                }

                if (address != expected && !IsPaddingJump(expected, address))
                    yield return ScanItem.Corrupt(expected, address, "entries not contiguous (damaged length field?)");

                if (InSkipped(address, skip))
                {
                    expected = address;
                    restart = true;
                    continue;
                }

                if (EntryCodec.TryDecode(entry.AsSpan(0, length), out byte[] payload, out string reason))
                {
                    yield return ScanItem.Entry(address, next, payload);
                    expected = next;
                }
                else
                {
                    // If only FasterLog's length field is damaged, our own frame still knows where the entry ends.
                    long resume = EntryCodec.TryReadFrameLength(entry.AsSpan(0, length), out int frameLength)
                        ? address + log.HeaderSize + Align(EntryCodec.HeaderBytes + frameLength)
                        : next;
                    if (resume > NextPageStart(address) || resume > until)
                        resume = Math.Min(next, until);
                    yield return ScanItem.Corrupt(address, resume, reason);
                    expected = resume;
                    if (resume != next)
                        restart = true;
                }
                // Never read bytes already known to be bad: restart past them.
                if (InSkipped(expected, skip))
                    restart = true;
            }
        }
    }

    /// <summary>FasterLog skips zeros at a page end and continues at the next page start.</summary>
    private bool IsPaddingJump(long from, long to) =>
        to > from && (to & (PageSize - 1)) == 0 && to == NextPageStart(from);

    private long ResumeAfterBadEntry(long address, long until)
    {
        long pageEnd = NextPageStart(address);
        int length;
        try
        {
            length = log.ReadRecordLengthAsync(address).AsTask().GetAwaiter().GetResult();
        }
        catch (FasterException)
        {
            return pageEnd;
        }
        if (length <= 0)
            return pageEnd;
        long candidate = address + log.HeaderSize + Align(length);
        if (candidate > pageEnd || candidate > until)
            return pageEnd;
        return candidate == pageEnd ? pageEnd : candidate;
    }

    private static long Align(int length) => (length + 3L) & ~3L;

    private static long JumpOverSkipped(long address, IReadOnlyList<AddressRange> skip)
    {
        foreach (var range in skip)
        {
            if (range.Contains(address))
                address = range.End;
        }
        return address;
    }

    private static bool InSkipped(long address, IReadOnlyList<AddressRange> skip)
    {
        foreach (var range in skip)
        {
            if (range.Contains(address))
                return true;
        }
        return false;
    }
}

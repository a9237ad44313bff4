using Microsoft.Extensions.Logging;
using RingStore.Storage.CommitLog;
using Log = RingStore.Storage.CommitLog.CommitLog;

namespace RingStore.Storage.Tests.CommitLog;

public sealed class CommitLogCorruptionTests
{
    // Offsets inside an entry: FasterLog header (12 bytes), our frame header (12 bytes), then the payload.
    private const int PayloadDelta = 24 + 40;

    private static async Task<List<long>> WriteEntries(string dir, int count, long segment)
    {
        var positions = new List<long>();
        await using var log = Log.Open(Payloads.Options(dir, segment: segment));
        for (int i = 0; i < count; i++)
            positions.Add(await log.AppendAsync(Payloads.For(i)));
        return positions;
    }

    private static List<long> Sequences(Log log) => log.Replay().Select(e => Payloads.SequenceOf(e.Payload)).ToList();

    [Fact]
    public async Task Truncated_last_segment_opens_with_the_complete_prefix_and_stays_usable()
    {
        using var dir = new TempDirectory();
        const long segment = 1L << 20;
        var positions = await WriteEntries(dir.Path, 50, segment);
        string file = Payloads.SegmentFile(dir.Path, positions[^1], segment);
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write))
            stream.SetLength((positions[^1] % segment) + 30); // cut the last entry in half

        var logger = new ListLogger();
        await using (var log = Log.Open(Payloads.Options(dir.Path, segment: segment), logger))
        {
            Assert.Equal(Enumerable.Range(0, 49).Select(i => (long)i), Sequences(log));
            Assert.True(logger.Has(LogLevel.Warning, "torn tail"), "cutting a torn tail is logged as a warning");
            await log.AppendAsync(Payloads.For(1000));
        }

        // The cut is remembered: damage followed by the new entry must not now look like mid-log corruption.
        await using var again = Log.Open(Payloads.Options(dir.Path, segment: segment));
        Assert.Equal(Enumerable.Range(0, 49).Select(i => (long)i).Append(1000), Sequences(again));
    }

    [Fact]
    public async Task Garbled_last_bytes_of_the_last_entry_are_cut_as_a_torn_tail()
    {
        using var dir = new TempDirectory();
        const long segment = 1L << 20;
        var positions = await WriteEntries(dir.Path, 50, segment);
        Payloads.FlipByte(dir.Path, positions[^1], segment, PayloadDelta + 50);
        Payloads.FlipByte(dir.Path, positions[^1], segment, PayloadDelta + 51);

        var logger = new ListLogger();
        await using var log = Log.Open(Payloads.Options(dir.Path, segment: segment), logger);
        Assert.Equal(Enumerable.Range(0, 49).Select(i => (long)i), Sequences(log));
        Assert.True(logger.Has(LogLevel.Warning, "torn tail"));
    }

    [Theory]
    [InlineData(1L << 20, 20, 5)]     // corrupt entry in the tail page: caught by our XxHash32
    [InlineData(1L << 16, 3000, 100)] // corrupt entry in a page read from disk: caught by FasterLog's checksum
    public async Task Flipped_byte_mid_log_stops_startup_naming_file_and_offset(long segment, int count, int victim)
    {
        using var dir = new TempDirectory();
        var positions = await WriteEntries(dir.Path, count, segment);
        Payloads.FlipByte(dir.Path, positions[victim], segment, PayloadDelta);

        var ex = Assert.Throws<CommitLogCorruptionException>(() => Log.Open(Payloads.Options(dir.Path, segment: segment)));
        string expectedFile = Path.GetFullPath(Payloads.SegmentFile(dir.Path, positions[victim], segment));
        Assert.Equal(expectedFile, ex.File);
        Assert.Equal(positions[victim] % segment, ex.Offset);
        Assert.Contains(expectedFile, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"offset {positions[victim] % segment}", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1L << 20, 20, 5)]
    [InlineData(1L << 16, 3000, 100)]
    public async Task Flipped_byte_mid_log_is_skipped_with_a_warning_when_the_operator_opts_in(long segment, int count, int victim)
    {
        using var dir = new TempDirectory();
        var positions = await WriteEntries(dir.Path, count, segment);
        Payloads.FlipByte(dir.Path, positions[victim], segment, PayloadDelta);

        var logger = new ListLogger();
        var options = Payloads.Options(dir.Path, segment: segment) with { SkipCorruptEntries = true };
        await using var log = Log.Open(options, logger);
        var expected = Enumerable.Range(0, count).Where(i => i != victim).Select(i => (long)i);
        Assert.Equal(expected, Sequences(log));
        Assert.True(logger.Has(LogLevel.Warning, $"offset {positions[victim] % segment}"));
    }

    [Theory]
    [InlineData(1L << 20, 20, 5)]
    [InlineData(1L << 16, 3000, 100)]
    public async Task Damaged_length_field_mid_log_is_detected_and_skippable(long segment, int count, int victim)
    {
        using var dir = new TempDirectory();
        var positions = await WriteEntries(dir.Path, count, segment);
        Payloads.FlipByte(dir.Path, positions[victim], segment, 9); // FasterLog's length field

        var ex = Assert.Throws<CommitLogCorruptionException>(() => Log.Open(Payloads.Options(dir.Path, segment: segment)));
        Assert.Equal(positions[victim] % segment, ex.Offset);

        var options = Payloads.Options(dir.Path, segment: segment) with { SkipCorruptEntries = true };
        await using var log = Log.Open(options);
        var replayed = Sequences(log);
        Assert.DoesNotContain((long)victim, replayed);
        Assert.Equal(Enumerable.Range(0, victim).Select(i => (long)i), replayed.Take(victim));
        Assert.Equal((long)count - 1, replayed[^1]);
    }
}

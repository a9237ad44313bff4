using CsCheck;
using RingStore.Storage.IO;

namespace RingStore.Storage.Tests.IO;

public class MappedFileTests
{
    [Fact]
    public void Every_range_up_to_the_maximum_reads_the_file_bytes_even_across_segment_boundaries()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "f.bin");
        var content = new byte[10_000];
        new Random(3).NextBytes(content);
        File.WriteAllBytes(path, content);
        using var handle = File.OpenHandle(path);
        // Segments of 1,000 bytes with ranges up to 300: many ranges start near a segment's end.
        using var mapped = MappedFile.Map(handle, content.Length, maxRangeBytes: 300, segmentBytes: 1_000);

        Gen.Int[0, content.Length - 1].SelectMany(offset => Gen.Int[0, Math.Min(300, content.Length - offset)].Select(length => (offset, length)))
            .Sample(r => mapped.Range(r.offset, r.length).Span.SequenceEqual(content.AsSpan(r.offset, r.length)), iter: 5_000);
        Assert.True(mapped.Range(990, 300).Span.SequenceEqual(content.AsSpan(990, 300)));
        Assert.True(mapped.Range(content.Length - 1, 1).Span.SequenceEqual(content.AsSpan(content.Length - 1, 1)));
    }

    [Fact]
    public void Ranges_past_the_end_or_over_the_maximum_are_refused()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "f.bin");
        File.WriteAllBytes(path, new byte[100]);
        using var handle = File.OpenHandle(path);
        using var mapped = MappedFile.Map(handle, 100, maxRangeBytes: 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => mapped.Range(95, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => mapped.Range(0, 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => mapped.Range(-1, 1));
    }
}

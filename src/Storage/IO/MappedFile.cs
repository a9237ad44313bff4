using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace RingStore.Storage.IO;

/// <summary>
/// A read-only memory map of an immutable file, handed out as <see cref="ReadOnlyMemory{T}"/> ranges: reading a block
/// costs no system call and no copy, and the OS page cache is the cache (as with Cassandra's mmap disk access mode).
/// <see cref="Memory{T}"/> is int-indexed, so the file is mapped in segments of about 1 GiB that overlap by the
/// largest range a caller asks for; any such range lies wholly inside one segment.
/// The owner must not dispose this while a range is still in use (SSTable readers guarantee it by reference counts).
/// </summary>
public sealed class MappedFile : IDisposable
{
    private const long DefaultSegmentBytes = 1L << 30;

    private readonly MemoryMappedFile _map;
    private readonly MappedSegment[] _segments;
    private readonly int _maxRangeBytes;
    private readonly long _segmentBytes;

    private MappedFile(MemoryMappedFile map, MappedSegment[] segments, long length, int maxRangeBytes, long segmentBytes)
    {
        _map = map;
        _segments = segments;
        Length = length;
        _maxRangeBytes = maxRangeBytes;
        _segmentBytes = segmentBytes;
    }

    public long Length { get; }

    /// <summary>Maps the whole file behind <paramref name="handle"/> (which stays owned by the caller).</summary>
    public static MappedFile Map(SafeFileHandle handle, long length, int maxRangeBytes) =>
        Map(handle, length, maxRangeBytes, DefaultSegmentBytes);

    /// <summary>As <see cref="Map(SafeFileHandle, long, int)"/> with a chosen segment size (tests use small ones).</summary>
    internal static MappedFile Map(SafeFileHandle handle, long length, int maxRangeBytes, long segmentBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(segmentBytes + maxRangeBytes, (long)int.MaxValue);
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRangeBytes, 1);
        var map = MemoryMappedFile.CreateFromFile(handle, mapName: null, capacity: 0, MemoryMappedFileAccess.Read,
            HandleInheritability.None, leaveOpen: true);
        var segments = new List<MappedSegment>();
        try
        {
            for (long start = 0; start < length; start += segmentBytes)
            {
                long size = Math.Min(length - start, segmentBytes + maxRangeBytes);
                segments.Add(new MappedSegment(map.CreateViewAccessor(start, size, MemoryMappedFileAccess.Read), (int)size));
            }
            return new MappedFile(map, [.. segments], length, maxRangeBytes, segmentBytes);
        }
        catch
        {
            foreach (var s in segments) ((IDisposable)s).Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary><paramref name="length"/> bytes at <paramref name="offset"/>; at most the maxRangeBytes given at map time.</summary>
    public ReadOnlyMemory<byte> Range(long offset, int length)
    {
        if (offset < 0 || length < 0 || length > _maxRangeBytes || offset + length > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"range {offset}+{length} outside the mapped {Length} bytes");
        long segment = offset / _segmentBytes;
        return _segments[segment].Memory.Slice((int)(offset - (segment * _segmentBytes)), length);
    }

    public void Dispose()
    {
        foreach (var s in _segments) ((IDisposable)s).Dispose();
        _map.Dispose();
    }
}

using System.Globalization;
using FASTER.core;
using RingStore.Storage.IO;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// A FASTER <see cref="IDevice"/> whose segments are files of an <see cref="IStorageFileSystem"/>
/// (<c>base.0</c>, <c>base.1</c>, ... as FASTER's own devices name them), so FasterLog (the commit log, the hint logs)
/// runs on the engine's file seam: over <see cref="InMemoryFileSystem"/> in the simulator, through
/// <see cref="FaultInjectingFileSystem"/> for disk faults.
/// <para>Every read and write completes inline: the callback runs on the caller's thread before the call returns, so
/// no I/O thread of FASTER's runs and a single-threaded caller sees the same order every time. Each write is fsynced
/// before its callback (write-through, as FASTER's file devices are opened): FasterLog treats a completed flush as
/// durable and then writes its commit metadata. A new segment's name is made durable (directory fsync) when the
/// segment is created, so a crash cannot lose a segment whose entries were committed.</para>
/// <para>An I/O error is reported to FASTER as an error code on the callback (as the native devices do): a failed
/// flush fails the commit; a failed read fails the scan or recovery that asked for it.</para>
/// </summary>
internal sealed class FileSystemLogDevice : StorageDeviceBase
{
    private const uint ErrorIo = 5; // EIO: FASTER only checks for non-zero
    private readonly IStorageFileSystem _fs;
    private readonly string _directory;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, IRandomAccessFile> _segments = [];
    private bool _disposed;

    /// <param name="baseFile">Path of the segments without the <c>.N</c> suffix; its directory must exist.</param>
    public FileSystemLogDevice(IStorageFileSystem fs, string baseFile)
        : base(baseFile, sectorSize: 512, capacity: Devices.CAPACITY_UNSPECIFIED)
    {
        _fs = fs;
        _directory = Path.GetDirectoryName(baseFile) ?? ".";
        // Learn which segments exist (FASTER's recoverDevice): recovery checks them, truncation deletes from the first.
        var existing = ExistingSegments().ToList();
        if (existing.Count > 0)
        {
            startSegment = existing.Min();
            endSegment = existing.Max();
        }
    }

    /// <summary>The last I/O error reported to FASTER (FASTER only sees an error code).</summary>
    public Exception? LastError { get; private set; }

    private IEnumerable<int> ExistingSegments()
    {
        string prefix = Path.GetFileName(FileName) + ".";
        foreach (string file in _fs.ListFiles(_directory))
        {
            string name = Path.GetFileName(file);
            if (name.StartsWith(prefix, StringComparison.Ordinal) &&
                int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int segment))
                yield return segment;
        }
    }

    private string SegmentPath(int segment) => GetSegmentFilename(FileName, segment);

    /// <summary>The open segment file; created (and its name made durable) on the first write to it.</summary>
    private IRandomAccessFile? Segment(int segment, bool create)
    {
        if (_segments.TryGetValue(segment, out var open)) return open;
        string path = SegmentPath(segment);
        bool exists = _fs.Exists(path);
        if (!exists && !create) return null;
        var file = _fs.OpenForUpdate(path);
        if (!exists)
        {
            try
            {
                _fs.SyncDirectory(_directory);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }
        _segments[segment] = file;
        return file;
    }

    public override unsafe void WriteAsync(IntPtr alignedSourceAddress, int segmentId, ulong alignedDestinationAddress,
        uint numBytesToWrite, DeviceIOCompletionCallback callback, object context)
    {
        uint error = 0;
        try
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var file = Segment(segmentId, create: true)!;
                file.WriteAt((long)alignedDestinationAddress, new ReadOnlySpan<byte>((void*)alignedSourceAddress, checked((int)numBytesToWrite)));
                file.Sync();
                if (segmentId > endSegment) endSegment = segmentId;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            LastError = e;
            error = ErrorIo;
        }
        callback(error, error == 0 ? numBytesToWrite : 0, context);
    }

    public override unsafe void ReadAsync(int segmentId, ulong alignedSourceAddress, IntPtr alignedDestinationAddress,
        uint readLength, DeviceIOCompletionCallback callback, object context)
    {
        uint error = 0;
        var buffer = new Span<byte>((void*)alignedDestinationAddress, checked((int)readLength));
        try
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var file = Segment(segmentId, create: false);
                int done = 0;
                if (file is not null)
                {
                    while (done < buffer.Length)
                    {
                        int n = file.ReadAt((long)alignedSourceAddress + done, buffer[done..]);
                        if (n <= 0) break;
                        done += n;
                    }
                }
                buffer[done..].Clear(); // past the end of a segment reads as zeros, as from a sparse file
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            LastError = e;
            error = ErrorIo;
        }
        callback(error, error == 0 ? readLength : 0, context);
    }

    public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result)
    {
        try
        {
            lock (_gate)
            {
                if (_segments.Remove(segment, out var file)) file.Dispose();
                _fs.Delete(SegmentPath(segment));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LastError = e; // a segment left behind is deleted by a later truncation or stays harmlessly below the begin
        }
        callback(result);
    }

    public override void RemoveSegment(int segment) => RemoveSegmentAsync(segment, _ => { }, null!);

    public override void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var file in _segments.Values) file.Dispose();
            _segments.Clear();
        }
    }
}

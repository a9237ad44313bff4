using System.Buffers.Binary;
using System.IO.Hashing;
using RingStore.Storage.IO;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Writes a logical byte stream as a header followed by fixed-size blocks, each stored as
/// [CRC32 of payload, u32 LE][payload]. Every block but the last carries exactly BlockSize payload
/// bytes, so logical position p lives in block p / BlockSize and no block directory is needed.
/// Records may straddle blocks. Memory: one block buffer.
/// With a trickle interval, the file is also fsynced every that many bytes (Cassandra's trickle_fsync): a memtable
/// flush then never leaves tens of MiB dirty for one final fsync, which on ext4 holds up every other fsync on the
/// disk — the commit log's included, i.e. every write acknowledged in group mode — for as long as it takes.
/// </summary>
internal sealed class ChecksummedBlockWriter : IDisposable
{
    public const int ChecksumBytes = 4;

    private readonly IWritableFile _file;
    private readonly byte[] _block;
    private readonly long _trickleSyncBytes;
    private int _filled;
    private long _unsyncedBytes;

    /// <param name="trickleSyncBytes">fsync after every this many bytes written; 0 syncs only in <see cref="Complete"/>.</param>
    /// <param name="version">format version for the header; 0: the one this build writes for <paramref name="magic"/>.</param>
    public ChecksummedBlockWriter(IWritableFile file, uint magic, int blockSize, long trickleSyncBytes = 0, ushort version = 0)
    {
        _file = file;
        _trickleSyncBytes = trickleSyncBytes;
        _block = new byte[ChecksumBytes + blockSize];
        Span<byte> header = stackalloc byte[FileHeader.SizeBytes];
        FileHeader.Write(header, magic, (uint)blockSize, version);
        try
        {
            _file.Write(header);
        }
        catch
        {
            // The caller never gets this writer: close the file here (its own failure is secondary to this one).
            var cleanup = new CleanupErrors();
            cleanup.Dispose(file);
            throw;
        }
    }

    public int BlockSize => _block.Length - ChecksumBytes;

    /// <summary>Logical bytes written so far (the position the next byte will have).</summary>
    public long Position { get; private set; }

    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int n = Math.Min(data.Length, BlockSize - _filled);
            data[..n].CopyTo(_block.AsSpan(ChecksumBytes + _filled));
            _filled += n;
            Position += n;
            data = data[n..];
            if (_filled == BlockSize) EmitBlock();
        }
    }

    /// <summary>Writes the last (partial) block and fsyncs the file.</summary>
    public void Complete()
    {
        if (_filled > 0) EmitBlock();
        _file.Sync();
    }

    private void EmitBlock()
    {
        var payload = _block.AsSpan(ChecksumBytes, _filled);
        BinaryPrimitives.WriteUInt32LittleEndian(_block, Crc32.HashToUInt32(payload));
        _file.Write(_block.AsSpan(0, ChecksumBytes + _filled));
        _unsyncedBytes += ChecksumBytes + _filled;
        _filled = 0;
        if (_trickleSyncBytes > 0 && _unsyncedBytes >= _trickleSyncBytes)
        {
            _file.Sync();
            _unsyncedBytes = 0;
        }
    }

    /// <summary>Closes the file. A buffered file may throw here (its last write failing); the handle is closed anyway.</summary>
    public void Dispose() => _file.Dispose();
}

using System.Buffers.Binary;
using System.IO.Hashing;
using RingStore.Storage.IO;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Writes a logical byte stream as a header followed by fixed-size blocks (every block but the last carries exactly
/// BlockSize logical bytes, so logical position p lives in block p / BlockSize). Records may straddle blocks.
/// Memory: one block buffer (two when compressing).
/// <para>Uncompressed (no codec; version 1): each block is stored as [CRC32 of payload, u32 LE][payload], at a fixed
/// stride, so no block directory is needed.</para>
/// <para>Compressed (a codec; Data version 2): each block ("chunk") is compressed on its own and stored as
/// [CRC32 of the stored bytes, u32 LE][stored bytes]; a chunk that does not shrink is stored as it is, which the reader
/// tells by its stored length being its logical length. The checksum covers the stored (compressed) bytes, so damage is
/// caught before anything is decompressed. Since stored lengths vary, <see cref="Complete"/> appends the chunk offset
/// table: u64 file offset of each chunk, then a 24-byte trailer (u64 logical length, u64 chunk count, u32 CRC32 of the
/// table and those 16 bytes, u32 <see cref="TrailerMagic"/>). The writer keeps 8 bytes per chunk for it.</para>
/// With a trickle interval, the file is also fsynced every that many bytes (Cassandra's trickle_fsync): a memtable
/// flush then never leaves tens of MiB dirty for one final fsync, which on ext4 holds up every other fsync on the
/// disk — the commit log's included, i.e. every write acknowledged in group mode — for as long as it takes.
/// </summary>
internal sealed class ChecksummedBlockWriter : IDisposable
{
    public const int ChecksumBytes = 4;

    /// <summary>Last bytes of a compressed Data file: "RSCE" (RingStore chunk end).</summary>
    public const uint TrailerMagic = 0x45435352;

    public const int TrailerBytes = 24;

    private readonly IWritableFile _file;
    private readonly byte[] _block;
    private readonly long _trickleSyncBytes;
    private readonly ChunkCodec? _codec;
    private readonly byte[]? _compressed;
    private readonly List<long>? _chunkOffsets;
    private long _fileOffset = FileHeader.SizeBytes;
    private int _filled;
    private long _unsyncedBytes;

    /// <param name="trickleSyncBytes">fsync after every this many bytes written; 0 syncs only in <see cref="Complete"/>.</param>
    /// <param name="version">format version for the header; 0: the one this build writes for <paramref name="magic"/>.</param>
    /// <param name="codec">compresses each block (Data only; the header then says version 2 and names the codec); owned.</param>
    public ChecksummedBlockWriter(IWritableFile file, uint magic, int blockSize, long trickleSyncBytes = 0, ushort version = 0,
        ChunkCodec? codec = null)
    {
        _file = file;
        _trickleSyncBytes = trickleSyncBytes;
        _block = new byte[ChecksumBytes + blockSize];
        _codec = codec;
        if (codec is not null)
        {
            _compressed = new byte[ChecksumBytes + blockSize];
            _chunkOffsets = [];
            version = FileHeader.CompressedDataVersion;
        }
        Span<byte> header = stackalloc byte[FileHeader.SizeBytes];
        FileHeader.Write(header, magic, (uint)blockSize, version, codec?.Id ?? 0);
        try
        {
            _file.Write(header);
        }
        catch
        {
            // The caller never gets this writer: close the file here (its own failure is secondary to this one).
            var cleanup = new CleanupErrors();
            cleanup.Dispose(file);
            codec?.Dispose();
            throw;
        }
    }

    public int BlockSize => _block.Length - ChecksumBytes;

    /// <summary>Logical bytes written so far (the position the next byte will have).</summary>
    public long Position { get; private set; }

    /// <summary>Bytes of the file so far (header and stored blocks; compressed files: before the offset table).</summary>
    public long FileBytes => _fileOffset;

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

    /// <summary>Writes the last (partial) block (compressed files: then the chunk offset table) and fsyncs the file.</summary>
    public void Complete()
    {
        if (_filled > 0) EmitBlock();
        if (_chunkOffsets is not null) WriteChunkTable();
        _file.Sync();
    }

    private void EmitBlock()
    {
        var payload = _block.AsSpan(ChecksumBytes, _filled);
        var stored = _block.AsSpan(0, ChecksumBytes + _filled);
        if (_codec is not null)
        {
            _chunkOffsets!.Add(_fileOffset);
            int n = _codec.Compress(payload, _compressed.AsSpan(ChecksumBytes));
            if (n > 0) stored = _compressed.AsSpan(0, ChecksumBytes + n);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(stored, Crc32.HashToUInt32(stored[ChecksumBytes..]));
        _file.Write(stored);
        _fileOffset += stored.Length;
        _filled = 0;
        CountForTrickleSync(stored.Length);
    }

    private void WriteChunkTable()
    {
        // Written through the block buffer in pieces: the table of a large file is never one array.
        var crc = new Crc32();
        var buffer = _block.AsSpan();
        int used = 0;
        foreach (long offset in _chunkOffsets!)
        {
            if (used + 8 > buffer.Length)
            {
                FlushTablePiece(buffer[..used], crc);
                used = 0;
            }
            BinaryPrimitives.WriteInt64LittleEndian(buffer[used..], offset);
            used += 8;
        }
        FlushTablePiece(buffer[..used], crc);

        Span<byte> trailer = stackalloc byte[TrailerBytes];
        BinaryPrimitives.WriteInt64LittleEndian(trailer, Position);
        BinaryPrimitives.WriteInt64LittleEndian(trailer[8..], _chunkOffsets.Count);
        crc.Append(trailer[..16]);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[16..], crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[20..], TrailerMagic);
        _file.Write(trailer);
        _fileOffset += TrailerBytes;
    }

    private void FlushTablePiece(ReadOnlySpan<byte> piece, Crc32 crc)
    {
        if (piece.IsEmpty) return;
        crc.Append(piece);
        _file.Write(piece);
        _fileOffset += piece.Length;
    }

    private void CountForTrickleSync(int bytes)
    {
        _unsyncedBytes += bytes;
        if (_trickleSyncBytes > 0 && _unsyncedBytes >= _trickleSyncBytes)
        {
            _file.Sync();
            _unsyncedBytes = 0;
        }
    }

    /// <summary>Closes the file. A buffered file may throw here (its last write failing); the handle is closed anyway.</summary>
    public void Dispose()
    {
        try
        {
            _file.Dispose();
        }
        finally
        {
            _codec?.Dispose();
        }
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using RingStore.Storage.IO;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Read side of <see cref="ChecksummedBlockWriter"/>: verifies each block's CRC and reports a mismatch as
/// <see cref="CorruptSSTableException"/> naming the file and block offset. Files that can be memory-mapped are read
/// through the map (no system call, no copy per block) and each block's CRC is verified every time a block is handed
/// out: the map shares the page cache, so bytes that change under it after a first read (a failing disk, a stray
/// write) are caught on the next read instead of being returned as data. Others are read with positional reads,
/// verified, into a small cache of private copies (those bytes cannot change under the reader once verified).
/// A mismatch is reported to <see cref="Corrupted"/> (the SSTable reader marks itself unreadable) and thrown.
/// Compressed Data (version 2): the chunk offset table is read and checked at open and kept in memory (8 bytes per
/// chunk); a chunk's CRC is checked over its stored (compressed) bytes before it is decompressed into a buffer the
/// caller owns (a cursor's pooled buffer); a chunk stored uncompressed is handed out as a view of the map, as in
/// version 1. With a <see cref="ChunkCache"/>, chunks of a compressed file (decompressed ones and ones stored as they
/// are) are served from it when cached, and a read that is allowed to fill it (<see cref="ChunkCacheFill"/>) inserts
/// a private verified copy of those it read. Stateless apart from counters, so any number of threads may read through it at once.
/// </summary>
internal sealed class ChecksummedBlockFile : IDisposable
{
    /// <summary>Blocks cached per open file: 8 x 64 KiB = 512 KiB per component at the default block size.</summary>
    public const int DefaultCacheBlocks = 8;

    private readonly IReadableFile _file;
    private readonly BlockCache _cache;
    private readonly MappedFile? _mapped;
    private readonly ChunkCodec? _codec;
    private readonly long[]? _chunkOffsets;
    private readonly long _chunksEnd;
    private readonly long _fileId = ChunkCache.NewFileId();
    private volatile ChunkCache? _chunkCache;
    private volatile bool _disposed;
    private long _blocksRead, _blocksAccessed;

    private ChecksummedBlockFile(IReadableFile file, int blockSize, long logicalLength, int cacheBlocks,
        ChunkCodec? codec = null, long[]? chunkOffsets = null, long chunksEnd = 0)
    {
        _file = file;
        _cache = new BlockCache(cacheBlocks);
        BlockSize = blockSize;
        LogicalLength = logicalLength;
        _codec = codec;
        _chunkOffsets = chunkOffsets;
        _chunksEnd = chunksEnd;
        _mapped = file.TryMap(ChecksummedBlockWriter.ChecksumBytes + blockSize);
    }

    /// <summary>Told of every corruption found in this file (checksum mismatch, truncation, malformed content) before it is thrown.</summary>
    internal Action<CorruptSSTableException>? Corrupted { get; set; }

    /// <summary>Reports <paramref name="e"/> to <see cref="Corrupted"/> and returns it, for <c>throw Report(...)</c>.</summary>
    internal CorruptSSTableException Report(CorruptSSTableException e)
    {
        Corrupted?.Invoke(e);
        return e;
    }

    /// <summary>
    /// Serve chunks of this (compressed) file from <paramref name="cache"/>, and let reads that fill it
    /// (<see cref="ChunkCacheFill"/>) add those they read; a cached chunk's CRC was checked once, when it was read (the
    /// cached copy is private memory that a change on disk cannot reach, like the positional-read path's copies). No
    /// effect on uncompressed files.
    /// </summary>
    internal void UseChunkCache(ChunkCache? cache)
    {
        if (IsCompressed) _chunkCache = cache;
    }

    /// <summary>This open file's key in the chunk cache (unique in the process).</summary>
    internal long FileId => _fileId;

    /// <summary>True when blocks are read through a memory map.</summary>
    public bool IsMapped => _mapped is not null;

    /// <summary>True for compressed Data (version 2): blocks may need decompressing into a caller's buffer.</summary>
    public bool IsCompressed => _codec is not null;

    /// <summary>The codec's name (LZ4, Zstd), or null when uncompressed.</summary>
    public string? CompressionName => _codec?.Name;

    public string Path => _file.Path;

    public int BlockSize { get; }

    /// <summary>Total payload (uncompressed) bytes in the file.</summary>
    public long LogicalLength { get; }

    /// <summary>Blocks read from disk since open; tests use it to prove a slice seeks instead of scanning.</summary>
    public long BlocksRead => Interlocked.Read(ref _blocksRead);

    /// <summary>Blocks handed to cursors since open, cache hits included: how much of the file a read walked.</summary>
    public long BlocksAccessed => Interlocked.Read(ref _blocksAccessed);

    public static ChecksummedBlockFile Open(IReadableFile file, uint magic, int cacheBlocks = DefaultCacheBlocks)
    {
        Span<byte> header = stackalloc byte[FileHeader.SizeBytes];
        if (file.Length < FileHeader.SizeBytes)
            throw new CorruptSSTableException(file.Path, 0, "file is shorter than its header");
        file.ReadExactlyAt(0, header);
        int blockSize = (int)FileHeader.Read(header, magic, file.Path, out ushort version);
        if (blockSize <= 0) throw new CorruptSSTableException(file.Path, 8, $"invalid block size {blockSize}");
        if (magic == FileHeader.DataMagic && version == FileHeader.CompressedDataVersion)
            return OpenCompressed(file, blockSize, FileHeader.ReadParameter2(header), cacheBlocks);
        long body = file.Length - FileHeader.SizeBytes;
        long stride = (long)blockSize + ChecksummedBlockWriter.ChecksumBytes;
        long fullBlocks = body / stride;
        long tail = body % stride;
        if (tail is > 0 and <= ChecksummedBlockWriter.ChecksumBytes)
            throw new CorruptSSTableException(file.Path, file.Length - tail, "torn last block");
        long logical = fullBlocks * blockSize + (tail > 0 ? tail - ChecksummedBlockWriter.ChecksumBytes : 0);
        return new ChecksummedBlockFile(file, blockSize, logical, cacheBlocks) { FormatVersion = version };
    }

    /// <summary>Reads and checks the trailer and chunk offset table of a compressed Data file.</summary>
    private static ChecksummedBlockFile OpenCompressed(IReadableFile file, int blockSize, uint codecId, int cacheBlocks)
    {
        var codec = ChunkCodec.ForReading(codecId)
            ?? throw new CorruptSSTableException(file.Path, 12, $"unknown compression codec {codecId}");
        const int trailerBytes = ChecksummedBlockWriter.TrailerBytes;
        if (file.Length < FileHeader.SizeBytes + trailerBytes)
            throw new CorruptSSTableException(file.Path, FileHeader.SizeBytes, "compressed Data file is shorter than its trailer");
        long trailerAt = file.Length - trailerBytes;
        Span<byte> trailer = stackalloc byte[trailerBytes];
        file.ReadExactlyAt(trailerAt, trailer);
        if (BinaryPrimitives.ReadUInt32LittleEndian(trailer[20..]) != ChecksummedBlockWriter.TrailerMagic)
            throw new CorruptSSTableException(file.Path, trailerAt, "compressed Data file has no chunk table trailer (truncated?)");
        long logical = BinaryPrimitives.ReadInt64LittleEndian(trailer);
        long count = BinaryPrimitives.ReadInt64LittleEndian(trailer[8..]);
        long tableAt = trailerAt - count * 8;
        if (logical < 0 || count < 0 || count != (logical + blockSize - 1) / blockSize || tableAt < FileHeader.SizeBytes)
            throw new CorruptSSTableException(file.Path, trailerAt, $"implausible chunk table ({count} chunks for {logical} bytes)");

        var offsets = new long[count];
        var crc = new Crc32();
        var piece = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            for (long done = 0; done < count;)
            {
                int n = (int)Math.Min(count - done, piece.Length / 8);
                var span = piece.AsSpan(0, n * 8);
                file.ReadExactlyAt(tableAt + done * 8, span);
                crc.Append(span);
                for (int i = 0; i < n; i++) offsets[done + i] = BinaryPrimitives.ReadInt64LittleEndian(span[(i * 8)..]);
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(piece);
        }
        crc.Append(trailer[..16]);
        if (crc.GetCurrentHashAsUInt32() != BinaryPrimitives.ReadUInt32LittleEndian(trailer[16..]))
            throw new CorruptSSTableException(file.Path, tableAt, "checksum mismatch in the chunk offset table");
        for (long i = 0; i < count; i++)
        {
            long end = i + 1 < count ? offsets[i + 1] : tableAt;
            long stored = end - offsets[i] - ChecksummedBlockWriter.ChecksumBytes;
            long logicalChunk = Math.Min(blockSize, logical - i * blockSize);
            if ((i == 0 && offsets[0] != FileHeader.SizeBytes) || stored < 1 || stored > logicalChunk)
                throw new CorruptSSTableException(file.Path, tableAt + i * 8, $"chunk {i} has an implausible offset {offsets[i]}");
        }
        return new ChecksummedBlockFile(file, blockSize, logical, cacheBlocks, codec, offsets, tableAt)
        {
            FormatVersion = FileHeader.CompressedDataVersion,
        };
    }

    /// <summary>The format version in the file's header (Index files: 1 or 2; Data: 1 uncompressed, 2 compressed).</summary>
    public ushort FormatVersion { get; private init; } = FileHeader.CurrentVersion;

    public long BlockCount => (LogicalLength + BlockSize - 1) / BlockSize;

    /// <summary>Bytes on disk of the blocks (compressed Data: the stored chunks), for compression ratios.</summary>
    public long StoredBlockBytes => _chunkOffsets is not null ? _chunksEnd - FileHeader.SizeBytes : _file.Length - FileHeader.SizeBytes;

    /// <summary>
    /// The verified payload of block <paramref name="blockIndex"/> (exactly its length): a view of the map when the
    /// file is mapped (its CRC checked by this call), else the cached or freshly read and verified copy. Valid while the
    /// file is open; never to be modified. A reader that uses a mapped block long after this call (a slow lazy
    /// enumeration) uses what this call verified, give or take a change racing with the check itself.
    /// A compressed chunk is decompressed into <paramref name="buffer"/> (rented from the shared pool the first time,
    /// at least <see cref="BlockSize"/> bytes; the caller returns it), and the result is then valid until the caller
    /// reuses that buffer. Uncompressed blocks never touch it.
    /// A chunk of a compressed file comes from the chunk cache when it is there (whatever <paramref name="fill"/>); one
    /// that is not goes into the cache only while <paramref name="fill"/> (null: never) has budget left.
    /// </summary>
    public ReadOnlyMemory<byte> GetBlockMemory(long blockIndex, ref byte[]? buffer, ChunkCacheFill? fill = null) =>
        GetBlockMemory(blockIndex, ref buffer, _chunkCache, fill);

    /// <summary>Whether reads of this file go through a chunk cache (a read then needs a <see cref="ChunkCacheFill"/> to insert).</summary>
    internal bool HasChunkCache => _chunkCache is not null;

    /// <summary>
    /// <see cref="GetBlockMemory(long, ref byte[], ChunkCacheFill)"/> through <paramref name="cache"/> (null: none). In a
    /// compressed file a cached chunk comes from there (no CRC check, no decompression). One that is not is read and
    /// verified; when <paramref name="fill"/> grants an insertion it goes into the cache as an array of its own (a
    /// compressed chunk decompressed into it, one stored as it is copied and then verified in the copy, so what is cached
    /// is exactly what was checked) and is never checked again; otherwise a compressed chunk is decompressed into
    /// <paramref name="buffer"/> and one stored as it is stays a view of the map, checked on every read.
    /// Blocks of uncompressed files are never cached (small, and views of the map).
    /// </summary>
    private ReadOnlyMemory<byte> GetBlockMemory(long blockIndex, ref byte[]? buffer, ChunkCache? cache, ChunkCacheFill? fill)
    {
        Interlocked.Increment(ref _blocksAccessed);
        var (fileOffset, storedLength, logicalLength) = Locate(blockIndex);
        if (cache is not null && cache.TryGet(_fileId, blockIndex) is { } hit) return hit;
        // A chunk read after close (a lazy enumeration outliving its reference) must not linger in the cache.
        bool insert = cache is not null && !_disposed && fill is not null && fill.TryTake(logicalLength);
        if (storedLength == logicalLength)
        {
            // Stored as it is (always so without compression; in a compressed file, a chunk that did not shrink).
            if (!insert) return GetStored(blockIndex, fileOffset, storedLength);
            var copy = GetStoredCopy(blockIndex, fileOffset, storedLength);
            cache!.Add(_fileId, blockIndex, copy);
            return copy;
        }
        var stored = GetStored(blockIndex, fileOffset, storedLength);
        if (insert)
        {
            var chunk = new byte[logicalLength];
            Decompress(blockIndex, fileOffset, stored.Span, chunk);
            cache!.Add(_fileId, blockIndex, chunk);
            return chunk;
        }
        buffer ??= ArrayPool<byte>.Shared.Rent(BlockSize);
        Decompress(blockIndex, fileOffset, stored.Span, buffer.AsSpan(0, logicalLength));
        return buffer.AsMemory(0, logicalLength);
    }

    /// <summary>
    /// The verified stored bytes of a block as an array no one else writes: mapped, copied out of the map first and the
    /// CRC checked over the copy (a change racing with the read then fails the check instead of being cached);
    /// positional reads already give a private verified array.
    /// </summary>
    private byte[] GetStoredCopy(long blockIndex, long fileOffset, int storedLength)
    {
        if (_mapped is null) return _cache.TryGet(blockIndex) ?? ReadBlock(blockIndex);
        var raw = _mapped.Range(fileOffset, ChecksummedBlockWriter.ChecksumBytes + storedLength).Span;
        uint checksum = BinaryPrimitives.ReadUInt32LittleEndian(raw);
        var copy = raw[ChecksummedBlockWriter.ChecksumBytes..].ToArray();
        Verify(blockIndex, fileOffset, checksum, copy);
        return copy;
    }

    private void Decompress(long blockIndex, long fileOffset, ReadOnlySpan<byte> stored, Span<byte> destination)
    {
        if (!_codec!.TryDecompress(stored, destination))
            throw Report(new CorruptSSTableException(Path, fileOffset,
                $"chunk {blockIndex} does not decompress ({_codec.Name}) to its {destination.Length} bytes"));
    }

    /// <summary>
    /// Checks block <paramref name="blockIndex"/> against the file as it is now (the cache is bypassed): for
    /// <c>verify</c>; a compressed chunk is decompressed too. Throws <see cref="CorruptSSTableException"/> (reported to
    /// <see cref="Corrupted"/>) on a mismatch.
    /// </summary>
    public void VerifyBlock(long blockIndex)
    {
        if (_mapped is null) ReadBlock(blockIndex);
        if (!IsCompressed)
        {
            if (_mapped is not null)
            {
                var (offset, storedLength, _) = Locate(blockIndex);
                GetStored(blockIndex, offset, storedLength);
            }
            return;
        }
        byte[]? buffer = null;
        try
        {
            GetBlockMemory(blockIndex, ref buffer, cache: null, fill: null);
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The verified stored bytes of a block (compressed or not) at <paramref name="fileOffset"/>.</summary>
    private ReadOnlyMemory<byte> GetStored(long blockIndex, long fileOffset, int storedLength)
    {
        if (_mapped is null) return _cache.TryGet(blockIndex) ?? ReadBlock(blockIndex);
        var raw = _mapped.Range(fileOffset, ChecksummedBlockWriter.ChecksumBytes + storedLength);
        var payload = raw[ChecksummedBlockWriter.ChecksumBytes..];
        Verify(blockIndex, fileOffset, BinaryPrimitives.ReadUInt32LittleEndian(raw.Span), payload.Span);
        return payload;
    }

    /// <summary>Positional-read path: one pread for checksum and stored bytes together, verified, then cached.</summary>
    private byte[] ReadBlock(long blockIndex)
    {
        var (fileOffset, storedLength, _) = Locate(blockIndex);
        var raw = ArrayPool<byte>.Shared.Rent(ChecksummedBlockWriter.ChecksumBytes + storedLength);
        byte[] payload;
        uint stored;
        try
        {
            var span = raw.AsSpan(0, ChecksummedBlockWriter.ChecksumBytes + storedLength);
            _file.ReadExactlyAt(fileOffset, span);
            stored = BinaryPrimitives.ReadUInt32LittleEndian(span);
            payload = span[ChecksummedBlockWriter.ChecksumBytes..].ToArray();
        }
        catch (EndOfStreamException e)
        {
            throw Report(new CorruptSSTableException(Path, fileOffset, "block truncated", e));
        }
        catch (IOException e) when (e is not EndOfStreamException and not CorruptSSTableException)
        {
            // The disk failed the read (EIO ...): the SSTable is unreadable like a corrupt one, and the error goes to
            // the disk failure policy (see CorruptSSTableException.ReadError).
            throw Report(CorruptSSTableException.FromReadError(Path, fileOffset, e));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
        Verify(blockIndex, fileOffset, stored, payload);
        _cache.Add(blockIndex, payload);
        return payload;
    }

    /// <summary>Where block <paramref name="blockIndex"/> is on disk (tests damage chosen chunks with it).</summary>
    internal (long FileOffset, int StoredLength, int LogicalLength) LocationOf(long blockIndex) => Locate(blockIndex);

    /// <summary>Where block <paramref name="blockIndex"/> starts in the file (at its checksum), its stored and its logical length.</summary>
    private (long FileOffset, int StoredLength, int LogicalLength) Locate(long blockIndex)
    {
        if (blockIndex < 0 || blockIndex >= BlockCount)
            throw Report(new CorruptSSTableException(Path, FileHeader.SizeBytes, $"block {blockIndex} is past the end ({BlockCount} blocks)"));
        int logicalLength = (int)Math.Min(BlockSize, LogicalLength - blockIndex * BlockSize);
        if (_chunkOffsets is { } offsets)
        {
            long start = offsets[blockIndex];
            long end = blockIndex + 1 < offsets.Length ? offsets[blockIndex + 1] : _chunksEnd;
            return (start, (int)(end - start - ChecksummedBlockWriter.ChecksumBytes), logicalLength);
        }
        long fileOffset = FileHeader.SizeBytes + blockIndex * ((long)BlockSize + ChecksummedBlockWriter.ChecksumBytes);
        return (fileOffset, logicalLength, logicalLength);
    }

    /// <summary>Checks a block's CRC (over its stored bytes); counts it as read (verified).</summary>
    private void Verify(long blockIndex, long fileOffset, uint stored, ReadOnlySpan<byte> payload)
    {
        Interlocked.Increment(ref _blocksRead);
        uint actual = Crc32.HashToUInt32(payload);
        if (stored != actual)
            throw Report(new CorruptSSTableException(Path, fileOffset,
                $"checksum mismatch in block {blockIndex} (stored 0x{stored:X8}, computed 0x{actual:X8})"));
    }

    public void Dispose()
    {
        _disposed = true;
        _chunkCache?.RemoveFile(_fileId, BlockCount);
        _mapped?.Dispose();
        _file.Dispose();
    }
}

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
/// Stateless apart from counters, so any number of threads may read through it at once.
/// </summary>
internal sealed class ChecksummedBlockFile : IDisposable
{
    /// <summary>Blocks cached per open file: 8 x 64 KiB = 512 KiB per component at the default block size.</summary>
    public const int DefaultCacheBlocks = 8;

    private readonly IReadableFile _file;
    private readonly BlockCache _cache;
    private readonly MappedFile? _mapped;
    private long _blocksRead, _blocksAccessed;

    private ChecksummedBlockFile(IReadableFile file, int blockSize, long logicalLength, int cacheBlocks)
    {
        _file = file;
        _cache = new BlockCache(cacheBlocks);
        BlockSize = blockSize;
        LogicalLength = logicalLength;
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

    /// <summary>True when blocks are read through a memory map.</summary>
    public bool IsMapped => _mapped is not null;

    public string Path => _file.Path;

    public int BlockSize { get; }

    /// <summary>Total payload bytes in the file.</summary>
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
        long body = file.Length - FileHeader.SizeBytes;
        long stride = (long)blockSize + ChecksummedBlockWriter.ChecksumBytes;
        long fullBlocks = body / stride;
        long tail = body % stride;
        if (tail is > 0 and <= ChecksummedBlockWriter.ChecksumBytes)
            throw new CorruptSSTableException(file.Path, file.Length - tail, "torn last block");
        long logical = fullBlocks * blockSize + (tail > 0 ? tail - ChecksummedBlockWriter.ChecksumBytes : 0);
        return new ChecksummedBlockFile(file, blockSize, logical, cacheBlocks) { FormatVersion = version };
    }

    /// <summary>The format version in the file's header (Index files: 1 or 2).</summary>
    public ushort FormatVersion { get; private init; } = FileHeader.CurrentVersion;

    public long BlockCount => (LogicalLength + BlockSize - 1) / BlockSize;

    /// <summary>
    /// The verified payload of block <paramref name="blockIndex"/> (exactly its length): a view of the map when the
    /// file is mapped (its CRC checked by this call), else the cached or freshly read and verified copy. Valid while the
    /// file is open; never to be modified. A reader that uses a mapped block long after this call (a slow lazy
    /// enumeration) uses what this call verified, give or take a change racing with the check itself.
    /// </summary>
    public ReadOnlyMemory<byte> GetBlockMemory(long blockIndex)
    {
        Interlocked.Increment(ref _blocksAccessed);
        if (_mapped is null) return _cache.TryGet(blockIndex) ?? ReadBlock(blockIndex);
        var (fileOffset, payloadLength) = Locate(blockIndex);
        var raw = _mapped.Range(fileOffset, ChecksummedBlockWriter.ChecksumBytes + payloadLength);
        var payload = raw[ChecksummedBlockWriter.ChecksumBytes..];
        Verify(blockIndex, fileOffset, BinaryPrimitives.ReadUInt32LittleEndian(raw.Span), payload.Span);
        return payload;
    }

    /// <summary>
    /// Checks block <paramref name="blockIndex"/> against the file as it is now (the cache is bypassed): for
    /// <c>verify</c>. Throws <see cref="CorruptSSTableException"/> (reported to <see cref="Corrupted"/>) on a mismatch.
    /// </summary>
    public void VerifyBlock(long blockIndex)
    {
        if (_mapped is null) ReadBlock(blockIndex);
        else GetBlockMemory(blockIndex);
    }

    /// <summary>Positional-read path: one pread for checksum and payload together, verified, then cached.</summary>
    private byte[] ReadBlock(long blockIndex)
    {
        var (fileOffset, payloadLength) = Locate(blockIndex);
        var raw = System.Buffers.ArrayPool<byte>.Shared.Rent(ChecksummedBlockWriter.ChecksumBytes + payloadLength);
        byte[] payload;
        uint stored;
        try
        {
            var span = raw.AsSpan(0, ChecksummedBlockWriter.ChecksumBytes + payloadLength);
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
            System.Buffers.ArrayPool<byte>.Shared.Return(raw);
        }
        Verify(blockIndex, fileOffset, stored, payload);
        _cache.Add(blockIndex, payload);
        return payload;
    }

    /// <summary>Where block <paramref name="blockIndex"/> starts in the file (at its checksum) and its payload length.</summary>
    private (long FileOffset, int PayloadLength) Locate(long blockIndex)
    {
        if (blockIndex < 0 || blockIndex >= BlockCount)
            throw Report(new CorruptSSTableException(Path, FileHeader.SizeBytes, $"block {blockIndex} is past the end ({BlockCount} blocks)"));
        long fileOffset = FileHeader.SizeBytes + blockIndex * ((long)BlockSize + ChecksummedBlockWriter.ChecksumBytes);
        return (fileOffset, (int)Math.Min(BlockSize, LogicalLength - blockIndex * BlockSize));
    }

    /// <summary>Checks a block's CRC; counts it as read (verified).</summary>
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
        _mapped?.Dispose();
        _file.Dispose();
    }
}

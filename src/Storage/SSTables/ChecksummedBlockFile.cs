using System.Buffers.Binary;
using System.IO.Hashing;
using RingStore.Storage.IO;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Read side of <see cref="ChecksummedBlockWriter"/>: verifies each block's CRC as it is read and
/// reports a mismatch as <see cref="CorruptSSTableException"/> naming the file and block offset.
/// Stateless apart from counters, so any number of threads may read through it at once.
/// </summary>
internal sealed class ChecksummedBlockFile : IDisposable
{
    private readonly IReadableFile _file;
    private long _blocksRead;

    private ChecksummedBlockFile(IReadableFile file, int blockSize, long logicalLength)
    {
        _file = file;
        BlockSize = blockSize;
        LogicalLength = logicalLength;
    }

    public string Path => _file.Path;

    public int BlockSize { get; }

    /// <summary>Total payload bytes in the file.</summary>
    public long LogicalLength { get; }

    /// <summary>Blocks read from disk since open; tests use it to prove a slice seeks instead of scanning.</summary>
    public long BlocksRead => Interlocked.Read(ref _blocksRead);

    public static ChecksummedBlockFile Open(IReadableFile file, uint magic)
    {
        Span<byte> header = stackalloc byte[FileHeader.SizeBytes];
        if (file.Length < FileHeader.SizeBytes)
            throw new CorruptSSTableException(file.Path, 0, "file is shorter than its header");
        file.ReadExactlyAt(0, header);
        int blockSize = (int)FileHeader.Read(header, magic, file.Path);
        if (blockSize <= 0) throw new CorruptSSTableException(file.Path, 8, $"invalid block size {blockSize}");
        long body = file.Length - FileHeader.SizeBytes;
        long stride = (long)blockSize + ChecksummedBlockWriter.ChecksumBytes;
        long fullBlocks = body / stride;
        long tail = body % stride;
        if (tail is > 0 and <= ChecksummedBlockWriter.ChecksumBytes)
            throw new CorruptSSTableException(file.Path, file.Length - tail, "torn last block");
        long logical = fullBlocks * blockSize + (tail > 0 ? tail - ChecksummedBlockWriter.ChecksumBytes : 0);
        return new ChecksummedBlockFile(file, blockSize, logical);
    }

    public long BlockCount => (LogicalLength + BlockSize - 1) / BlockSize;

    /// <summary>
    /// Reads and verifies block <paramref name="blockIndex"/> into buffer (at least BlockSize + 4
    /// bytes); the payload lands at buffer[4..4+returned length].
    /// </summary>
    public int ReadBlock(long blockIndex, byte[] buffer)
    {
        if (blockIndex < 0 || blockIndex >= BlockCount)
            throw new CorruptSSTableException(Path, FileHeader.SizeBytes, $"block {blockIndex} is past the end ({BlockCount} blocks)");
        long fileOffset = FileHeader.SizeBytes + blockIndex * ((long)BlockSize + ChecksummedBlockWriter.ChecksumBytes);
        int payload = (int)Math.Min(BlockSize, LogicalLength - blockIndex * BlockSize);
        var span = buffer.AsSpan(0, ChecksummedBlockWriter.ChecksumBytes + payload);
        try
        {
            _file.ReadExactlyAt(fileOffset, span);
        }
        catch (EndOfStreamException e)
        {
            throw new CorruptSSTableException(Path, fileOffset, "block truncated", e);
        }
        Interlocked.Increment(ref _blocksRead);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(span);
        uint actual = Crc32.HashToUInt32(span[ChecksummedBlockWriter.ChecksumBytes..]);
        if (stored != actual)
            throw new CorruptSSTableException(Path, fileOffset,
                $"checksum mismatch in block {blockIndex} (stored 0x{stored:X8}, computed 0x{actual:X8})");
        return payload;
    }

    public void Dispose() => _file.Dispose();
}

using System.Buffers;

namespace RingStore.Storage.SSTables;

/// <summary>
/// A sequential reader over the logical stream of a <see cref="ChecksummedBlockFile"/>, positioned
/// anywhere; it keeps the current block so consecutive reads touch disk once per block. Not
/// thread-safe: each read operation makes its own cursor; uncompressed block payloads are shared, read-only views.
/// A compressed chunk is decompressed into one buffer the cursor rents from the shared pool (the same buffer for every
/// chunk it reads) and gives back on <see cref="Dispose"/>, so reads allocate no array per block.
/// </summary>
internal sealed class BlockCursor : IDisposable
{
    private readonly ChecksummedBlockFile _file;
    private ReadOnlyMemory<byte> _block;
    private long _blockIndex = -1;
    private byte[]? _buffer;
    private readonly ChunkCacheFill? _fill;

    /// <param name="fill">Lets the read insert the chunks it reads into the chunk cache (a point read's); null reads
    /// around the cache (cached chunks are still used).</param>
    public BlockCursor(ChecksummedBlockFile file, long position, ChunkCacheFill? fill = null)
    {
        _file = file;
        Position = position;
        _fill = fill;
    }

    /// <summary>
    /// A cursor that starts with <paramref name="warm"/>, a block the same read operation has just had verified (so a
    /// point read checks — and decompresses — the block holding a partition's header and first rows once, not once per
    /// cursor). A decompressed block comes with the buffer holding it, which this cursor then owns; only the first
    /// cursor to claim it gets it (a lazy row enumeration may run twice), later ones read the block again.
    /// </summary>
    public BlockCursor(ChecksummedBlockFile file, long position, Block warm, ChunkCacheFill? fill = null) : this(file, position, fill)
    {
        if (!ReferenceEquals(warm.File, file)) return;
        if (warm.Lease is null)
        {
            _blockIndex = warm.Index;
            _block = warm.Memory;
        }
        else if (warm.Lease.TryTake() is { } buffer)
        {
            _buffer = buffer;
            _blockIndex = warm.Index;
            _block = warm.Memory;
        }
    }

    /// <summary>
    /// A verified block held by a cursor (default, with no file: none). <see cref="Lease"/> is set when the block lives
    /// in a pooled buffer (a decompressed chunk) handed over by <see cref="DetachCurrent"/>.
    /// </summary>
    public readonly record struct Block(ChecksummedBlockFile? File, long Index, ReadOnlyMemory<byte> Memory, BufferLease? Lease = null);

    /// <summary>A pooled buffer passed from one cursor to the next; taken at most once.</summary>
    public sealed class BufferLease(byte[] buffer)
    {
        private byte[]? _buffer = buffer;

        public byte[]? TryTake() => Interlocked.Exchange(ref _buffer, null);
    }

    /// <summary>
    /// The block this cursor holds now, for the next cursor of the same read; the cursor gives up the buffer holding a
    /// decompressed block with it (use only right before disposing this cursor).
    /// </summary>
    public Block DetachCurrent()
    {
        if (_blockIndex < 0) return default;
        if (_buffer is null || !IsInBuffer(_block)) return new Block(_file, _blockIndex, _block);
        var lease = new BufferLease(_buffer);
        _buffer = null;
        return new Block(_file, _blockIndex, _block, lease);
    }

    private bool IsInBuffer(ReadOnlyMemory<byte> memory) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(memory, out var segment) && ReferenceEquals(segment.Array, _buffer);

    public long Position { get; set; }

    public string Path => _file.Path;

    public ChecksummedBlockFile File => _file;

    public long LogicalLength => _file.LogicalLength;

    public bool AtEnd => Position >= _file.LogicalLength;

    public byte ReadByte()
    {
        int offset = EnsureBlock();
        byte b = _block.Span[offset];
        Position++;
        return b;
    }

    public ulong ReadVarUInt()
    {
        // Fast path: the whole varint lies in the current block (almost always).
        int offset = EnsureBlock(); // first: it may load another block
        var rest = _block.Span[offset..];
        ulong value = 0;
        for (int i = 0, shift = 0; i < rest.Length && shift < 64; i++, shift += 7)
        {
            byte b = rest[i];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                Position += i + 1;
                return value;
            }
        }
        return ReadVarUIntAcrossBlocks();
    }

    private ulong ReadVarUIntAcrossBlocks()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw Corrupt("malformed varint");
    }

    public void ReadExactly(Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            int offset = EnsureBlock();
            int n = Math.Min(destination.Length, _block.Length - offset);
            _block.Span.Slice(offset, n).CopyTo(destination);
            destination = destination[n..];
            Position += n;
        }
    }

    /// <summary>
    /// The next <paramref name="length"/> bytes: a view of the current block when they lie inside it (no copy), else
    /// copied into <paramref name="scratch"/> (grown as needed). Valid until the next read through this cursor.
    /// </summary>
    public ReadOnlySpan<byte> ReadSpan(int length, ref byte[] scratch)
    {
        if (length > _file.LogicalLength - Position) throw Corrupt($"{length} bytes run past the end of the file");
        int offset = EnsureBlock();
        if (length <= _block.Length - offset)
        {
            Position += length;
            return _block.Span.Slice(offset, length);
        }
        if (scratch.Length < length) scratch = new byte[Math.Max(length, scratch.Length * 2)];
        var span = scratch.AsSpan(0, length);
        ReadExactly(span);
        return span;
    }

    /// <summary>Reads a record written as varuint length + bytes into <paramref name="scratch"/> (grown as needed).</summary>
    public ReadOnlySpan<byte> ReadRecord(ref byte[] scratch, long maxLength)
    {
        ulong length = ReadVarUInt();
        if (length > (ulong)maxLength || length > (ulong)(_file.LogicalLength - Position))
            throw Corrupt($"record length {length} runs past its bounds");
        return ReadSpan((int)length, ref scratch);
    }

    public CorruptSSTableException Corrupt(string reason, Exception? inner = null) =>
        Corrupt(Position, reason, inner);

    /// <summary>A corruption at <paramref name="at"/> in this cursor's file, reported to the file's owner; for <c>throw</c>.</summary>
    public CorruptSSTableException Corrupt(long at, string reason, Exception? inner = null) =>
        _file.Report(new CorruptSSTableException(_file.Path, at, reason, inner));

    /// <summary>Loads the block holding <see cref="Position"/> if needed; returns the offset inside it.</summary>
    private int EnsureBlock()
    {
        if (Position >= _file.LogicalLength) throw Corrupt("read past the end of the file");
        long index = Position / _file.BlockSize;
        if (index != _blockIndex)
        {
            _blockIndex = -1; // a failed read must not leave the previous block posing as this one
            _block = _file.GetBlockMemory(index, ref _buffer, _fill);
            _blockIndex = index;
        }
        return (int)(Position - index * _file.BlockSize);
    }

    /// <summary>Gives the decompression buffer back to the pool (uncompressed blocks are shared views: nothing to give).</summary>
    public void Dispose()
    {
        _block = default;
        _blockIndex = -1;
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

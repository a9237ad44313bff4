using K4os.Compression.LZ4;
using RingStore.Core.Schema;
using ZstdSharp;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Compresses and decompresses one Data chunk. The id is what a compressed Data file records in its header, so a reader
/// needs no table option. Decompression is thread-safe (a read may run on any thread); compression belongs to one writer.
/// </summary>
internal abstract class ChunkCodec : IDisposable
{
    public const uint Lz4Id = 1;
    public const uint ZstdId = 2;

    /// <summary>The id written in the Data header.</summary>
    public abstract uint Id { get; }

    public abstract string Name { get; }

    /// <summary>
    /// Compresses <paramref name="source"/> into <paramref name="destination"/> (at least <paramref name="source"/>'s
    /// length) and returns the compressed length, or -1 when the result would not save at least an eighth of the source:
    /// the chunk is then stored as it is, so data that hardly compresses (already compressed or random values) costs
    /// no decompression and is read straight from the memory map.
    /// </summary>
    public int Compress(ReadOnlySpan<byte> source, Span<byte> destination) =>
        source.Length < 16 ? -1 : CompressInto(source, destination[..(source.Length - source.Length / 8)]);

    /// <summary>Compresses into exactly <paramref name="target"/>; -1 when the output does not fit.</summary>
    protected abstract int CompressInto(ReadOnlySpan<byte> source, Span<byte> target);

    /// <summary>True when <paramref name="source"/> decompresses to exactly <paramref name="destination"/>'s length.</summary>
    public abstract bool TryDecompress(ReadOnlySpan<byte> source, Span<byte> destination);

    /// <summary>Frees a compression context (the writer's; shared reading codecs hold none).</summary>
    public virtual void Dispose()
    {
    }

    /// <summary>A codec for writing with <paramref name="options"/>; null when compression is off.</summary>
    public static ChunkCodec? ForWriting(CompressionOptions options) => options.Algorithm switch
    {
        CompressionAlgorithm.None => null,
        CompressionAlgorithm.Lz4 => new Lz4ChunkCodec(),
        CompressionAlgorithm.Zstd => new ZstdChunkCodec(options.ZstdLevel),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Algorithm, "unknown compression algorithm"),
    };

    /// <summary>The codec a Data header names (decompression only), or null for an unknown id.</summary>
    public static ChunkCodec? ForReading(uint id) => id switch
    {
        Lz4Id => Lz4ChunkCodec.Shared,
        ZstdId => ZstdChunkCodec.Shared,
        _ => null,
    };

    private sealed class Lz4ChunkCodec : ChunkCodec
    {
        public static readonly Lz4ChunkCodec Shared = new();

        public override uint Id => Lz4Id;

        public override string Name => "LZ4";

        protected override int CompressInto(ReadOnlySpan<byte> source, Span<byte> target)
        {
            // LZ4 reports -1 when the output does not fit the target.
            int n = LZ4Codec.Encode(source, target, LZ4Level.L00_FAST);
            return n > 0 ? n : -1;
        }

        // LZ4_decompress_safe: malformed input gives -1, never a read or write outside the spans.
        public override bool TryDecompress(ReadOnlySpan<byte> source, Span<byte> destination) =>
            LZ4Codec.Decode(source, destination) == destination.Length;
    }

    private sealed class ZstdChunkCodec(int level) : ChunkCodec
    {
        public static readonly ZstdChunkCodec Shared = new(CompressionOptions.DefaultZstdLevel);

        // A decompression context per thread: creating one per chunk would allocate on every read.
        [ThreadStatic] private static Decompressor? t_decompressor;

        private Compressor? _compressor;

        public override uint Id => ZstdId;

        public override string Name => "Zstd";

        protected override int CompressInto(ReadOnlySpan<byte> source, Span<byte> target)
        {
            _compressor ??= new Compressor(level);
            try
            {
                return _compressor.TryWrap(source, target, out int written) && written > 0 ? written : -1;
            }
            catch (ZstdException)
            {
                return -1; // output does not fit: store the chunk uncompressed
            }
        }

        public override void Dispose()
        {
            _compressor?.Dispose();
            _compressor = null;
        }

        public override bool TryDecompress(ReadOnlySpan<byte> source, Span<byte> destination)
        {
            var decompressor = t_decompressor ??= new Decompressor();
            try
            {
                return decompressor.TryUnwrap(source, destination, out int written) && written == destination.Length;
            }
            catch (ZstdException)
            {
                return false; // malformed frame: the caller reports the chunk as corrupt
            }
        }
    }
}

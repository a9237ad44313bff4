using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Cql.Ast;

namespace RingStore.Node.Cql;

/// <summary>
/// <c>WITH compression = {...}</c> to <see cref="CompressionOptions"/>, in Cassandra's syntax:
/// <c>{'class': 'LZ4Compressor', 'chunk_length_in_kb': 16}</c>, <c>'ZstdCompressor'</c> with an optional
/// <c>'compression_level'</c>, <c>{'enabled': false}</c> to turn it off; the pre-3.0 keys <c>'sstable_compression'</c>
/// (an empty class turns it off) and <c>'chunk_length_kb'</c> are read too. Class names may be fully qualified
/// (org.apache.cassandra.io.compress.LZ4Compressor). Anything RingStore cannot do (Snappy, Deflate, an unknown class
/// or sub-option, a chunk length that is not a power of two) is refused with the reason, never silently ignored.
/// </summary>
public static class CompressionProperty
{
    private const string Supported = "LZ4Compressor or ZstdCompressor ('enabled': false turns compression off)";

    public static CompressionOptions Parse(MapPropertyValue map)
    {
        ArgumentNullException.ThrowIfNull(map);
        bool enabled = true;
        string? className = null;
        int? chunkKb = null, level = null;
        foreach (var entry in map.Entries)
        {
            switch (entry.Key.ToLowerInvariant())
            {
                case "class":
                case "sstable_compression":
                    className = entry.Value.Text;
                    break;
                case "enabled":
                    enabled = Bool(entry.Value);
                    break;
                case "chunk_length_in_kb":
                case "chunk_length_kb":
                    chunkKb = PropertyValues.Int(entry.Value, entry.Key);
                    break;
                case "compression_level":
                    level = PropertyValues.Int(entry.Value, entry.Key);
                    break;
                case "crc_check_chance":
                    // Checksums are verified on every read of every block; there is no chance to set.
                    double chance = PropertyValues.Double(entry.Value, entry.Key);
                    if (chance is < 0 or > 1) throw new InvalidRequestException($"crc_check_chance should be between 0.0 and 1.0, got {chance}");
                    break;
                default:
                    throw new InvalidRequestException($"Unknown compression options: [{entry.Key}] (RingStore takes class, enabled, chunk_length_in_kb, compression_level)");
            }
        }

        // An empty sstable_compression was the pre-3.0 way to turn compression off.
        if (!enabled || className is { Length: 0 }) return CompressionOptions.Disabled;
        if (className is null)
            throw new InvalidRequestException($"Missing sub-option 'class' for the 'compression' option: use {Supported}");
        var algorithm = AlgorithmOf(className);
        if (algorithm == CompressionAlgorithm.None) return CompressionOptions.Disabled;
        if (level is not null && algorithm != CompressionAlgorithm.Zstd)
            throw new InvalidRequestException($"compression_level applies to ZstdCompressor only, not {className}");
        var options = new CompressionOptions
        {
            Algorithm = algorithm,
            ChunkLengthKb = chunkKb ?? CompressionOptions.DefaultChunkLengthKb,
            ZstdLevel = level ?? CompressionOptions.DefaultZstdLevel,
        };
        return options.Problem() is { } problem ? throw new InvalidRequestException($"Invalid compression option: {problem}") : options;
    }

    private static CompressionAlgorithm AlgorithmOf(string className)
    {
        string simple = className[(className.LastIndexOf('.') + 1)..];
        return simple.ToLowerInvariant() switch
        {
            "lz4compressor" => CompressionAlgorithm.Lz4,
            "zstdcompressor" => CompressionAlgorithm.Zstd,
            "noopcompressor" => CompressionAlgorithm.None,
            "snappycompressor" or "deflatecompressor" =>
                throw new InvalidRequestException($"Compression class '{className}' is not supported by RingStore: use {Supported}"),
            _ => throw new InvalidRequestException($"Could not create Compression for type {className}: use {Supported}"),
        };
    }

    private static bool Bool(Literal literal) =>
        literal.Kind is LiteralKind.Boolean or LiteralKind.String && bool.TryParse(literal.Text, out bool value)
            ? value
            : throw new InvalidRequestException($"Invalid value for compression option 'enabled': '{literal.Text}' is not true or false");

    /// <summary>The option as Cassandra shows it in system_schema.tables (empty map entries when off: {'enabled': 'false'}).</summary>
    public static Dictionary<string, string> Describe(CompressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled) return new(StringComparer.Ordinal) { ["enabled"] = "false" };
        var map = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["class"] = options.Algorithm == CompressionAlgorithm.Zstd
                ? "org.apache.cassandra.io.compress.ZstdCompressor"
                : "org.apache.cassandra.io.compress.LZ4Compressor",
            ["chunk_length_in_kb"] = options.ChunkLengthKb.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (options.Algorithm == CompressionAlgorithm.Zstd)
            map["compression_level"] = options.ZstdLevel.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return map;
    }
}

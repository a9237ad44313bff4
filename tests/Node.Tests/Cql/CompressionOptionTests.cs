using MessagePack;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Cql.Ast;
using RingStore.Cql;
using RingStore.Node.Cql;
using RingStore.Node.Schema;

namespace RingStore.Node.Tests.Cql;

/// <summary>
/// CREATE TABLE ... WITH compression = {...}: Cassandra's syntax becomes the table's compression options, anything
/// RingStore cannot do is refused with the reason (never silently ignored), and the option survives the schema's
/// wire form (a schema written before the option existed reads as the default, LZ4).
/// </summary>
public sealed class CompressionOptionTests
{
    // The schema codec's options (the wire records are internal).
    private static readonly MessagePackSerializerOptions Wire = MessagePack.Resolvers.StandardResolverAllowPrivate.Options;

    private static CompressionOptions Build(string with) =>
        TableBuilder.Build("ks", (CreateTableStatement)CqlParser.Parse($"CREATE TABLE t (id bigint PRIMARY KEY, v text) WITH {with}")).Options.Compression;

    private static string Refused(string with) => Assert.Throws<InvalidRequestException>(() => Build(with)).Message;

    [Fact]
    public void A_table_without_the_option_gets_lz4_with_16_kib_chunks()
    {
        var options = TableBuilder.Build("ks", (CreateTableStatement)CqlParser.Parse("CREATE TABLE t (id bigint PRIMARY KEY)")).Options.Compression;
        Assert.Equal(CompressionOptions.Default, options);
        Assert.Equal(CompressionAlgorithm.Lz4, options.Algorithm);
        Assert.Equal(16, options.ChunkLengthKb);
    }

    [Theory]
    [InlineData("compression = {'class': 'LZ4Compressor', 'chunk_length_in_kb': 16}", CompressionAlgorithm.Lz4, 16, 3)]
    [InlineData("compression = {'class': 'org.apache.cassandra.io.compress.LZ4Compressor', 'chunk_length_in_kb': '64'}", CompressionAlgorithm.Lz4, 64, 3)]
    [InlineData("compression = {'class': 'ZstdCompressor'}", CompressionAlgorithm.Zstd, 16, 3)]
    [InlineData("compression = {'class': 'ZstdCompressor', 'compression_level': 9, 'chunk_length_in_kb': 4}", CompressionAlgorithm.Zstd, 4, 9)]
    [InlineData("compression = {'class': 'LZ4Compressor', 'crc_check_chance': 0.5}", CompressionAlgorithm.Lz4, 16, 3)]
    [InlineData("compression = {'sstable_compression': 'LZ4Compressor', 'chunk_length_kb': 32}", CompressionAlgorithm.Lz4, 32, 3)]
    [InlineData("compression = {'enabled': false}", CompressionAlgorithm.None, 16, 3)]
    [InlineData("compression = {'enabled': 'false'}", CompressionAlgorithm.None, 16, 3)]
    [InlineData("compression = {'class': 'LZ4Compressor', 'enabled': false}", CompressionAlgorithm.None, 16, 3)]
    [InlineData("compression = {'sstable_compression': ''}", CompressionAlgorithm.None, 16, 3)]
    [InlineData("compression = {'class': 'NoopCompressor'}", CompressionAlgorithm.None, 16, 3)]
    public void Cassandra_syntax_sets_the_compression(string with, CompressionAlgorithm algorithm, int chunkKb, int level)
    {
        var options = Build(with);
        Assert.Equal(algorithm, options.Algorithm);
        if (algorithm == CompressionAlgorithm.None) return;
        Assert.Equal(chunkKb, options.ChunkLengthKb);
        Assert.Equal(level, options.ZstdLevel);
    }

    [Theory]
    [InlineData("compression = {'class': 'SnappyCompressor'}", "not supported by RingStore")]
    [InlineData("compression = {'class': 'DeflateCompressor'}", "not supported by RingStore")]
    [InlineData("compression = {'class': 'BrotliCompressor'}", "Could not create Compression for type BrotliCompressor")]
    [InlineData("compression = {'chunk_length_in_kb': 16}", "Missing sub-option 'class'")]
    [InlineData("compression = {'class': 'LZ4Compressor', 'chunk_length_in_kb': 3}", "chunk_length_in_kb must be a power of 2")]
    [InlineData("compression = {'class': 'LZ4Compressor', 'chunk_length_in_kb': 0}", "chunk_length_in_kb must be a power of 2")]
    [InlineData("compression = {'class': 'LZ4Compressor', 'chunk_length_in_kb': 2048}", "chunk_length_in_kb must be a power of 2")]
    [InlineData("compression = {'class': 'LZ4Compressor', 'chunk_length_in_kb': 'big'}", "is not an integer")]
    [InlineData("compression = {'class': 'LZ4Compressor', 'compression_level': 3}", "compression_level applies to ZstdCompressor only")]
    [InlineData("compression = {'class': 'ZstdCompressor', 'compression_level': 23}", "compression_level must be between")]
    [InlineData("compression = {'class': 'LZ4Compressor', 'min_compress_ratio': 1.1}", "Unknown compression options: [min_compress_ratio]")]
    [InlineData("compression = {'class': 'LZ4Compressor', 'enabled': 'maybe'}", "is not true or false")]
    [InlineData("compression = 'LZ4Compressor'", "takes a map")]
    public void Options_RingStore_cannot_honour_are_refused_with_the_reason(string with, string reason) =>
        Assert.Contains(reason, Refused(with), StringComparison.Ordinal);

    [Fact]
    public void The_option_survives_the_schema_wire_form()
    {
        var compression = new CompressionOptions { Algorithm = CompressionAlgorithm.Zstd, ChunkLengthKb = 64, ZstdLevel = 7 };
        var table = SchemaTestDataForCompression.Table(new TableOptions { Compression = compression });
        var wire = SchemaWireMapping.ToWire(new TableEntry("ks", "t", table, 1));
        var back = SchemaWireMapping.FromWire(MessagePackSerializer.Deserialize<TableEntryWire>(MessagePackSerializer.Serialize(wire, Wire), Wire));
        Assert.Equal(compression, back.Table!.Options.Compression);
    }

    [Fact]
    public void A_schema_written_before_the_option_existed_reads_as_lz4()
    {
        // TableOptionsWire as it was: seven fields.
        byte[] old = MessagePackSerializer.Serialize(new object[] { (byte)0, TimeSpan.FromDays(1).Ticks, 4, 32, 0, 864_000, 0.01 }, Wire);
        var options = MessagePackSerializer.Deserialize<TableOptionsWire>(old, Wire);
        var table = SchemaTestDataForCompression.Table(new TableOptions());
        var wire = SchemaWireMapping.ToWire(new TableEntry("ks", "t", table, 1));
        var back = SchemaWireMapping.FromWire(wire with { Table = wire.Table! with { Options = options } });
        Assert.Equal(CompressionOptions.Default, back.Table!.Options.Compression);
    }

    private static class SchemaTestDataForCompression
    {
        public static TableSchema Table(TableOptions options) => new("ks", "t",
            [new ColumnDefinition("id", ColumnType.BigInt)], [], [new ColumnDefinition("v", ColumnType.Text)], options, Guid.NewGuid());
    }
}

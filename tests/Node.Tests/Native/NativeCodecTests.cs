using CsCheck;
using RingStore.Core.Schema;
using RingStore.Node.Api;
using RingStore.Node.Native;

namespace RingStore.Node.Tests.Native;

/// <summary>The frame header, the notations and the value encodings round-trip; malformed bodies are protocol errors only.</summary>
public sealed class NativeCodecTests
{
    [Fact]
    public void Frame_headers_round_trip()
    {
        Gen.Select(Gen.Byte, Gen.Byte, Gen.Short, Gen.Byte, Gen.Int).Sample((version, flags, stream, opcode, length) =>
        {
            var header = new NativeFrameHeader(version, flags, stream, (NativeOpcode)opcode, length);
            var bytes = new byte[NativeFrameHeader.Size];
            header.Write(bytes);
            Assert.Equal(header, NativeFrameHeader.Read(bytes));
        });
    }

    [Fact]
    public void Notations_round_trip()
    {
        var text = Gen.String[Gen.Char.AlphaNumeric, 0, 40];
        Gen.Select(text, Gen.Long, Gen.Int, Gen.Byte.Array[0, 50], Gen.Dictionary(text, text)[0, 5], text.List[0, 5])
            .Sample((s, l, i, bytes, map, list) =>
            {
                var w = new NativeWriter(8);
                w.WriteString(s);
                w.WriteLongString(s);
                w.WriteLong(l);
                w.WriteInt(i);
                w.WriteBytes(bytes);
                w.WriteBytes([], isNull: true);
                w.WriteShortBytes(bytes);
                w.WriteShort((ushort)map.Count);
                foreach (var (k, v) in map)
                {
                    w.WriteString(k);
                    w.WriteString(v);
                }
                w.WriteStringList(list);
                w.WriteInt(-2);
                var r = new NativeReader(w.Written);
                Assert.Equal(s, r.ReadString());
                Assert.Equal(s, r.ReadLongString());
                Assert.Equal(l, r.ReadLong());
                Assert.Equal(i, r.ReadInt());
                Assert.Equal(bytes, r.ReadBytes());
                Assert.Null(r.ReadBytes());
                Assert.Equal(bytes, r.ReadShortBytes());
                Assert.Equal(map, r.ReadStringMap());
                Assert.Equal(list, r.ReadStringList());
                Assert.True(r.ReadValue().IsUnset);
                r.EnsureEnd();
            });
    }

    [Fact]
    public void Values_of_every_column_type_round_trip_through_their_CQL_encoding()
    {
        var cases = Gen.OneOf<(ColumnType, object)>(
            Gen.Long.Select(v => (ColumnType.BigInt, (object)v)),
            Gen.Int.Select(v => (ColumnType.Int, (object)v)),
            Gen.String.Select(v => (ColumnType.Text, (object)v)),
            Gen.Byte.Array[0, 40].Select(v => (ColumnType.Blob, (object)v)),
            Gen.Bool.Select(v => (ColumnType.Boolean, (object)v)),
            Gen.Double.Select(v => (ColumnType.Double, (object)v)),
            Gen.Long.Select(v => (ColumnType.Timestamp, (object)v)),
            Gen.Guid.Select(v => (ColumnType.Uuid, (object)v)),
            Gen.Guid.Select(v => (ColumnType.TimeUuid, (object)v)));
        cases.Sample(c =>
        {
            var (type, value) = c;
            var proto = ValueConverter.FromClr(type, value);
            byte[] bytes = NativeValueCodec.FromProto(type, proto, "c")!;
            var back = NativeValueCodec.ToProto(type, bytes, "c");
            Assert.Equal(proto, back);
        });
    }

    [Fact]
    public void A_value_of_the_wrong_size_is_an_invalid_request_naming_the_column()
    {
        var e = Assert.Throws<Core.Errors.InvalidRequestException>(() => NativeValueCodec.ToProto(ColumnType.Int, new byte[3], "age"));
        Assert.Contains("age", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_declared_counts_are_refused_before_any_allocation()
    {
        // A string map claiming 65535 entries in a 2-byte body, a [long string] claiming 2 GiB.
        Assert.Throws<NativeProtocolException>(() => NativeRequestDecoder.Decode(NativeOpcode.Startup, [0xFF, 0xFF]));
        Assert.Throws<NativeProtocolException>(() => NativeRequestDecoder.Decode(NativeOpcode.Query, [0x7F, 0xFF, 0xFF, 0xFF, 0x41]));
        Assert.Throws<NativeProtocolException>(() => NativeRequestDecoder.Decode(NativeOpcode.Batch, [0, 0xFF, 0xFF, 0]));
    }

    [Fact]
    public void Random_and_mutated_bodies_decode_or_fail_only_with_a_protocol_error()
    {
        byte[][] seeds =
        [
            NativeTestClient.StartupBody(),
            NativeTestClient.QueryBody("SELECT * FROM system.local WHERE key = 'local'"),
            NativeTestClient.Body(w =>
            {
                w.WriteLongString("INSERT INTO ks.t (k, v) VALUES (?, ?)");
                w.WriteShort(4);
                w.WriteByte(0x01 | 0x04 | 0x08 | 0x10 | 0x20);
                w.WriteShort(2);
                w.WriteBytes([0, 0, 0, 1]);
                w.WriteBytes("x"u8);
                w.WriteInt(100);
                w.WriteBytes([1, 2, 3]);
                w.WriteShort(8);
                w.WriteLong(1234);
            }),
            NativeTestClient.Body(w =>
            {
                w.WriteByte(0);
                w.WriteShort(2);
                w.WriteByte(0);
                w.WriteLongString("INSERT INTO t (k) VALUES (?)");
                w.WriteShort(1);
                w.WriteBytes([0, 0, 0, 1]);
                w.WriteByte(1);
                w.WriteShortBytes(new byte[16]);
                w.WriteShort(0);
                w.WriteShort(1);
                w.WriteByte(0);
            }),
        ];
        var opcodes = Enum.GetValues<NativeOpcode>().Concat([(NativeOpcode)0x42, (NativeOpcode)0xFF]).ToArray();
        var mutated = Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Int[0, 1000].Array[1, 6], Gen.Byte.Array[1, 6], Gen.Int[0, 100])
            .Select((seed, positions, bytes, cut) =>
            {
                var body = (byte[])seeds[seed].Clone();
                for (int i = 0; i < Math.Min(positions.Length, bytes.Length); i++) body[positions[i] % body.Length] = bytes[i];
                return cut < 20 ? body[..(body.Length * cut / 20)] : body;
            });
        var bodies = Gen.Frequency((1, Gen.Byte.Array[0, 64]), (3, mutated));
        Gen.Select(Gen.Int[0, opcodes.Length - 1].Select(i => opcodes[i]), bodies).Sample((opcode, body) =>
        {
            try
            {
                NativeRequestDecoder.Decode(opcode, body);
            }
            catch (NativeProtocolException)
            {
                // The one acceptable failure.
            }
        }, iter: 10_000);
    }

    [Fact]
    public void Schema_change_texts_parse_into_event_fields()
    {
        Assert.Equal(new NativeSchemaChange("CREATED", "TABLE", "ks", "t"), NativeSchemaChange.Parse("CREATED TABLE ks.t"));
        Assert.Equal(new NativeSchemaChange("DROPPED", "KEYSPACE", "ks", null), NativeSchemaChange.Parse("DROPPED KEYSPACE ks"));
    }
}

using System.Buffers.Binary;
using RingStore.Bench.Native;

namespace RingStore.Bench.Tests.Native;

public sealed class NativeBenchFramesTests
{
    [Fact]
    public void Execute_layout_points_at_the_consistency_and_each_value()
    {
        byte[] id = [1, 2, 3, 4, 5];
        var (frame, layout) = NativeBenchFrames.Execute(7, id, 4, [new byte[8], new byte[4], [9, 9]], skipMetadata: true);
        Assert.Equal(0x04, frame[0]);
        Assert.Equal(NativeBenchFrames.OpExecute, frame[4]);
        Assert.Equal(frame.Length - NativeBenchFrames.HeaderLength, BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(5)));
        Assert.Equal(7, BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(2)));
        Assert.Equal(4, BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(layout.ConsistencyOffset)));
        Assert.Equal(0x03, frame[layout.ConsistencyOffset + 2]); // values | skip metadata
        Assert.Equal(3, BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(layout.ConsistencyOffset + 3)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(layout.ValueOffsets[2] - 4)));
        Assert.Equal([9, 9], frame[layout.ValueOffsets[2]..]);

        NativeBenchFrames.SetConsistency(frame, layout, 5);
        NativeBenchFrames.SetStream(frame, 300);
        Assert.Equal(5, BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(layout.ConsistencyOffset)));
        Assert.Equal(300, BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(2)));
    }

    [Fact]
    public void Rows_reply_with_and_without_metadata_gives_the_row_count()
    {
        // kind 2, flags no_metadata, 2 columns, 3 rows (row bytes do not matter to the count)
        byte[] noMetadata = [0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 3];
        Assert.Equal(3, NativeBenchFrames.ParseBody(0, NativeBenchFrames.OpResult, noMetadata).RowCount);
        // kind 2, global spec "k"."t", 1 column "v" of type int (0x0009), has more pages with a 2-byte state, 1 row
        byte[] withMetadata = [0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 7, 7, 0, 1, (byte)'k', 0, 1, (byte)'t', 0, 1, (byte)'v', 0, 9, 0, 0, 0, 1];
        Assert.Equal(1, NativeBenchFrames.ParseBody(0, NativeBenchFrames.OpResult, withMetadata).RowCount);
        // a warning ahead of the body (flag 0x08): ["w"]
        byte[] warned = [0, 1, 0, 1, (byte)'w', .. noMetadata];
        Assert.Equal(3, NativeBenchFrames.ParseBody(0x08, NativeBenchFrames.OpResult, warned).RowCount);
    }

    [Fact]
    public void Error_and_prepared_replies()
    {
        byte[] error = [0, 0, 0x10, 0, 0, 2, (byte)'n', (byte)'o'];
        var e = NativeBenchFrames.ParseBody(0, NativeBenchFrames.OpError, error);
        Assert.Equal(0x1000, e.ErrorCode);
        Assert.Equal("no", e.Message);
        byte[] prepared = [0, 0, 0, 4, 0, 2, 0xAB, 0xCD];
        Assert.Equal([0xAB, 0xCD], NativeBenchFrames.ParseBody(0, NativeBenchFrames.OpResult, prepared).PreparedId);
    }

    [Fact]
    public void A_response_header_of_another_version_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => NativeBenchFrames.ParseHeader([0x04, 0, 0, 0, 8, 0, 0, 0, 0])); // request direction
        Assert.Throws<InvalidDataException>(() => NativeBenchFrames.ParseHeader([0x85, 0, 0, 0, 8, 0, 0, 0, 0]));
        Assert.Equal((byte)8, NativeBenchFrames.ParseHeader([0x84, 0, 0, 1, 8, 0, 0, 0, 4]).Opcode);
    }

    [Fact]
    public void A_token_belongs_to_the_first_ring_token_at_or_after_it_wrapping()
    {
        var owners = new TokenOwners([(100, 1), (-50, 0), (500, 2)]);
        Assert.Equal(0, owners.OwnerOf(-1000));
        Assert.Equal(0, owners.OwnerOf(-50));
        Assert.Equal(1, owners.OwnerOf(-49));
        Assert.Equal(1, owners.OwnerOf(100));
        Assert.Equal(2, owners.OwnerOf(101));
        Assert.Equal(0, owners.OwnerOf(501)); // past the last token: wraps to the first
    }
}

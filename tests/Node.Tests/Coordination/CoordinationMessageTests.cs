using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Core.Serialization;
using RingStore.Coordination;
using RingStore.Storage.Engine;
using static RingStore.Node.Tests.Coordination.PartitionGen;

namespace RingStore.Node.Tests.Coordination;

public class CoordinationMessageTests
{
    private static T RoundTrip<T>(T message) =>
        CoordinationMessageSerializer.Deserialize<T>(CoordinationMessageSerializer.Serialize(message));

    [Fact]
    public void Mutation_round_trips()
    {
        Update.Sample(update =>
        {
            var back = RoundTrip(MutationMessage.For(update));
            Assert.Equal(CoordinationMessageSerializer.CurrentVersion, back.Version);
            Assert.Equal(DataSerializer.Serialize(update), DataSerializer.Serialize(back.ToUpdate()));
        }, iter: 500);
    }

    [Fact]
    public void A_replica_reads_the_update_straight_from_the_encoded_message_as_the_full_decode_does()
    {
        Update.Sample(update =>
        {
            byte[] encoded = CoordinationMessageSerializer.Serialize(MutationMessage.For(update));
            var direct = MutationMessage.ReadUpdate(encoded);
            Assert.Equal(DataSerializer.Serialize(CoordinationMessageSerializer.Deserialize<MutationMessage>(encoded).ToUpdate()), DataSerializer.Serialize(direct));
        }, iter: 300);
    }

    [Fact]
    public void A_replica_gets_the_update_bytes_as_a_slice_of_the_message_exactly_as_the_commit_log_stores_them()
    {
        Update.Sample(update =>
        {
            byte[] encoded = CoordinationMessageSerializer.Serialize(MutationMessage.For(update));
            var bytes = MutationMessage.ReadUpdateBytes(encoded);
            Assert.Equal(DataSerializer.Serialize(update), bytes.ToArray());
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment) && ReferenceEquals(segment.Array, encoded),
                "the update is a slice of the message, not a copy");
        }, iter: 300);
    }

    [Fact]
    public void A_malformed_mutation_message_is_a_format_error()
    {
        byte[] good = CoordinationMessageSerializer.Serialize(MutationMessage.For(Update.Single()));
        Assert.Throws<FormatException>(() => MutationMessage.ReadUpdate(good.AsMemory(0, good.Length / 2)));
        Assert.Throws<FormatException>(() => MutationMessage.ReadUpdate(ReadOnlyMemory<byte>.Empty));
        Assert.Throws<FormatException>(() => MutationMessage.ReadUpdate(new byte[] { 0x92, 0x01, 0xc0 })); // [1, nil]
        Assert.Throws<FormatException>(() => MutationMessage.ReadUpdate(new byte[] { 0x91, 0x01 })); // [1]
        Assert.Throws<FormatException>(() => MutationMessage.ReadUpdate(new byte[] { 0xa3, 0x61, 0x62, 0x63 })); // "abc"
        Assert.Throws<FormatException>(() => MutationMessage.ReadUpdateBytes(new byte[] { 0x92, 0x01, 0xc0 }));
        Assert.Throws<FormatException>(() => MutationMessage.ReadUpdateBytes(good.AsMemory(0, good.Length / 2)));
    }

    [Fact]
    public void Partition_data_round_trips_through_the_codec_and_the_response()
    {
        Update.Array[0, 4].Sample(updates =>
        {
            var data = Apply(updates);
            var decoded = MergedPartitionDataCodec.Deserialize(MergedPartitionDataCodec.Serialize(data));
            Assert.True(SameData(data, decoded));
            Assert.Equal(data is null, decoded is null);
            if (data is not null)
            {
                Assert.Equal(data.Key, decoded!.Key);
                Assert.Equal(data.Token, decoded.Token);
            }

            var response = RoundTrip(ReadResponseMessage.ForData(data));
            Assert.False(response.IsDigest);
            Assert.True(SameData(data, response.DecodeData()));
            var digest = RoundTrip(ReadResponseMessage.ForDigest(data));
            Assert.True(digest.IsDigest);
            Assert.Equal(ResponseDigest.Compute(data), digest.DigestOrCompute());
            Assert.Equal(digest.DigestOrCompute(), response.DigestOrCompute());
        }, iter: 500);
    }

    [Fact]
    public void Truncated_partition_data_is_a_format_error()
    {
        var data = Apply([PartitionUpdate.OfRows(Table, Key, new Row([1], LivenessInfo.At(1), DeletionTime.Live, [Cell.Live(0, 1, [1, 2, 3])]))]);
        var bytes = MergedPartitionDataCodec.Serialize(data);
        for (int n = 0; n < bytes.Length; n++)
        {
            Assert.Throws<FormatException>(() => MergedPartitionDataCodec.Deserialize(bytes.AsSpan(0, n)));
        }
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    public void Read_command_round_trips(bool startBounded, bool startInclusive, bool reversed)
    {
        var start = startBounded ? new ClusteringBound([1, 2], startInclusive) : ClusteringBound.Unbounded;
        var end = new ClusteringBound([7], Inclusive: false);
        var query = new SliceQuery(Table, Key, new ClusteringSlice(start, end), reversed, Limit: 50, PagingState: reversed ? [5] : null);
        var back = RoundTrip(ReadCommandMessage.For(query, digestOnly: reversed));
        Assert.Equal(reversed, back.DigestOnly);
        var q = back.ToSliceQuery();
        Assert.Equal(query.Table, q.Table);
        Assert.Equal(query.PartitionKey, q.PartitionKey);
        Assert.Equal(query.Slice, q.Slice);
        Assert.Equal(query.Reversed, q.Reversed);
        Assert.Equal(query.Limit, q.Limit);
        Assert.Equal(query.PagingState, q.PagingState);
    }

    [Fact]
    public void Bad_read_commands_are_format_errors()
    {
        var ok = ReadCommandMessage.For(SliceQuery.WholePartition(Table, Key), digestOnly: false);
        Assert.Throws<FormatException>(() => (ok with { Limit = 0 }).ToSliceQuery());
        Assert.Throws<FormatException>(() => (ok with { Start = new SliceBoundMessage(SliceBoundKind.Inclusive, []) }).ToSliceQuery());
        Assert.Throws<FormatException>(() => (ok with { End = new SliceBoundMessage((SliceBoundKind)9, [1]) }).ToSliceQuery());
        Assert.Throws<FormatException>(() => CoordinationMessageSerializer.Deserialize<ReadCommandMessage>(new byte[] { 0x93, 0x01 }));
    }
}

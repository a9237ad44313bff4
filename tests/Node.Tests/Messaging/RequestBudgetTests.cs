using System.Buffers;
using CsCheck;
using MessagePack;
using RingStore.Node.Messaging;

namespace RingStore.Node.Tests.Messaging;

/// <summary>
/// The request budget in the envelope (position 4 of the array): what is left when the frame is written goes on the
/// wire, the receiver counts it from its own arrival time; a frame without it (an older node) has no deadline.
/// Clocks are plain numbers here: the codec and <see cref="RequestExpiry"/> never read one.
/// </summary>
public sealed class RequestBudgetTests
{
    private const long Ms = 1000; // a clock ticking in milliseconds keeps the figures readable

    /// <summary>A millisecond clock, .NET ticks (100 ns) and Stopwatch on Linux (1 ns).</summary>
    private static readonly long[] Frequencies = [1_000, 10_000_000, 1_000_000_000];

    private static ReadOnlySequence<byte> BodyOf(Envelope envelope, long now, long frequency)
    {
        var framed = new ArrayBufferWriter<byte>();
        FrameCodec.WriteEnvelope(framed, new ArrayBufferWriter<byte>(), envelope, now, frequency);
        var buffer = new ReadOnlySequence<byte>(framed.WrittenMemory);
        Assert.True(FrameCodec.TryReadFrame(ref buffer, 1 << 20, out var body));
        return body;
    }

    [Fact]
    public void A_request_carries_what_is_left_of_its_budget_and_the_receiver_counts_it_from_its_own_arrival()
    {
        // Expires at 10,500 on the sender's clock; written at 10,100 (queued 100 ms): 400 ms left.
        var sent = new Envelope(Verb.Read, 42, MessageFlags.None, new byte[] { 1, 2, 3 }, new RequestExpiry(10_500));
        // The receiver's clock has nothing to do with the sender's.
        var received = FrameCodec.DecodeEnvelope(BodyOf(sent, now: 10_100, Ms), arrival: 900_000, Ms);
        Assert.Equal(new RequestExpiry(900_400), received.Expiry);
        Assert.Equal((Verb.Read, 42L, MessageFlags.None), (received.Verb, received.RequestId, received.Flags));
        Assert.Equal(new byte[] { 1, 2, 3 }, received.Payload.ToArray());
    }

    [Fact]
    public void A_budget_spent_while_queued_arrives_as_zero_and_is_already_expired_on_arrival()
    {
        var sent = new Envelope(Verb.Mutation, 1, MessageFlags.None, new byte[] { 9 }, new RequestExpiry(1_000));
        var received = FrameCodec.DecodeEnvelope(BodyOf(sent, now: 5_000, Ms), arrival: 70, Ms);
        Assert.Equal(new RequestExpiry(70), received.Expiry);
        Assert.True(received.Expiry!.Value.HasPassed(70));
    }

    [Fact]
    public void A_frame_from_a_node_without_the_field_decodes_as_no_deadline()
    {
        // What every node wrote before the budget existed: [verb, requestId, flags, payload].
        var old = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(old);
        writer.WriteArrayHeader(4);
        writer.Write((byte)Verb.Read);
        writer.Write(7L);
        writer.Write((byte)MessageFlags.None);
        writer.Write(new byte[] { 5 });
        writer.Flush();
        var envelope = FrameCodec.DecodeEnvelope(new ReadOnlySequence<byte>(old.WrittenMemory), arrival: 123, Ms);
        Assert.Null(envelope.Expiry);
        Assert.Equal(new byte[] { 5 }, envelope.Payload.ToArray());
    }

    [Fact]
    public void A_nil_budget_is_no_deadline_and_later_fields_are_still_skipped()
    {
        var future = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(future);
        writer.WriteArrayHeader(6);
        writer.Write((byte)Verb.Read);
        writer.Write(8L);
        writer.Write((byte)MessageFlags.None);
        writer.Write(new byte[] { 6 });
        writer.WriteNil();
        writer.Write("a field of a later revision");
        writer.Flush();
        var envelope = FrameCodec.DecodeEnvelope(new ReadOnlySequence<byte>(future.WrittenMemory), arrival: 1, Ms);
        Assert.Null(envelope.Expiry);
        Assert.Equal(new byte[] { 6 }, envelope.Payload.ToArray());
    }

    [Fact]
    public void A_node_that_reads_only_four_fields_reads_a_budgeted_frame_unchanged()
    {
        // The budget is appended after the payload, so the four fields an older decoder reads are where they were.
        var body = BodyOf(new Envelope(Verb.RangeRead, 9, MessageFlags.None, new byte[] { 4, 4 }, new RequestExpiry(2_000)), now: 1_000, Ms);
        var reader = new MessagePackReader(body);
        Assert.Equal(5, reader.ReadArrayHeader());
        Assert.Equal((byte)Verb.RangeRead, reader.ReadByte());
        Assert.Equal(9L, reader.ReadInt64());
        Assert.Equal((byte)MessageFlags.None, reader.ReadByte());
        Assert.Equal(new byte[] { 4, 4 }, reader.ReadBytes()!.Value.ToArray());
        Assert.Equal(1_000L, reader.ReadInt64());
        Assert.True(reader.End);
    }

    [Fact]
    public void Responses_and_requests_without_a_deadline_carry_no_budget()
    {
        var response = new Envelope(Verb.Read, 3, MessageFlags.Response, new byte[] { 1 }, new RequestExpiry(5));
        Assert.Null(FrameCodec.DecodeEnvelope(BodyOf(response, 0, Ms), arrival: 0, Ms).Expiry);
        Assert.Equal(4, new MessagePackReader(BodyOf(response, 0, Ms)).ReadArrayHeader());
        var plain = new Envelope(Verb.GossipSyn, 4, MessageFlags.None, new byte[] { 1 });
        Assert.Equal(4, new MessagePackReader(BodyOf(plain, 0, Ms)).ReadArrayHeader());
        Assert.True(BodyOf(new Envelope(Verb.Read, long.MaxValue, MessageFlags.None, Array.Empty<byte>(), new RequestExpiry(long.MaxValue)), 0, 1)
            .Length <= FrameCodec.MaxEnvelopeOverheadBytes);
    }

    [Fact]
    public void Budgets_survive_the_wire_at_any_clock_frequency()
    {
        Gen.Select(Gen.Long[0, RequestExpiry.MaxBudgetMillis], Gen.Int[0, 2].Select(i => Frequencies[i]), Gen.Long[0, 1L << 40],
                Gen.Long[0, 1L << 40])
            .Sample((budget, frequency, senderNow, arrival) =>
            {
                var expiry = RequestExpiry.FromBudget(senderNow, frequency, budget);
                Assert.Equal(budget, expiry.BudgetMillisAt(senderNow, frequency));
                var sent = new Envelope(Verb.Read, 1, MessageFlags.None, Array.Empty<byte>(), expiry);
                var received = FrameCodec.DecodeEnvelope(BodyOf(sent, senderNow, frequency), arrival, frequency);
                Assert.Equal(budget, received.Expiry!.Value.BudgetMillisAt(arrival, frequency));
            });
    }

    [Fact]
    public void Expiry_arithmetic()
    {
        Assert.Null(RequestExpiry.After(0, Ms, Timeout.InfiniteTimeSpan));
        Assert.Null(RequestExpiry.After(0, Ms, TimeSpan.FromDays(30)));
        Assert.Equal(new RequestExpiry(250), RequestExpiry.After(0, Ms, TimeSpan.FromMilliseconds(250)));
        Assert.Equal(new RequestExpiry(10), RequestExpiry.After(10, Ms, TimeSpan.FromMilliseconds(-5)));
        // 0.3 ms left is 1 ms on the wire: a request that is not spent is not sent as spent.
        Assert.Equal(1, new RequestExpiry(10_003).BudgetMillisAt(10_000, 10_000));
        Assert.Equal(0, new RequestExpiry(5).BudgetMillisAt(9, Ms));
        Assert.Equal(new RequestExpiry(5), RequestExpiry.Sooner(new RequestExpiry(5), new RequestExpiry(6)));
        Assert.Equal(new RequestExpiry(6), RequestExpiry.Sooner(null, new RequestExpiry(6)));
        Assert.Null(RequestExpiry.Sooner(null, null));
    }
}
